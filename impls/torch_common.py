"""What the PyTorch implementations share: tensors, devices, synchronisation, the loss."""

from __future__ import annotations

import numpy as np
import torch

from impls.base import Implementation


def loss(theta: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """½ Σ (σ(x·w + b) − y)²; x a vector for d = 1, where ``w * x + b`` costs less than the
    (N, 1) matrix-vector product (and is what its users write), a matrix otherwise."""
    z = theta[0] * x + theta[1] if x.ndim == 1 else x @ theta[:-1] + theta[-1]
    residual = torch.sigmoid(z) - y
    return 0.5 * torch.dot(residual, residual)


class TorchBase(Implementation):
    framework = "torch"
    requires = ("torch",)
    devices = ("cpu", "cuda")

    @classmethod
    def device_unavailable_reason(cls, device: str) -> str | None:
        return None if torch.cuda.is_available() else "PyTorch sees no CUDA device"

    def asarray(self, a: np.ndarray) -> torch.Tensor:
        """from_numpy shares memory on the CPU: no copy of the data set. An (N, 1) x becomes
        the vector ``loss`` takes for d = 1 (a view: x is the only 2-D array converted)."""
        if a.ndim == 2 and a.shape[1] == 1:
            a = a.reshape(-1)
        return torch.from_numpy(np.ascontiguousarray(a)).to(self.device)

    def to_numpy(self, a) -> np.ndarray:
        if isinstance(a, torch.Tensor):
            return a.detach().cpu().to(torch.float64).numpy()
        return super().to_numpy(a)  # sequences of tensors, Python numbers

    def block(self, out):
        if self.device == "cuda":
            torch.cuda.synchronize()
        return out

    def reset_device_peak(self) -> None:
        if self.device == "cuda":
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()

    def device_peak_bytes(self) -> int | None:
        """``torch.cuda.max_memory_allocated``: the caching allocator's live tensors at peak."""
        return int(torch.cuda.max_memory_allocated()) if self.device == "cuda" else None

    def loss_native(self, theta):
        with torch.no_grad():
            return loss(theta, self.x, self.y)

    def descend(self, theta, grad):
        with torch.no_grad():
            return theta - self.eta * grad
