"""dask-manual's gradient over more data than this machine holds: generated on the workers.

A LocalCluster of this machine computes L(θ) and ∇L(θ) for a synthetic set of N points
(d = 1, float64: 16 bytes a point) that no process ever holds: each task makes its chunk
from the seed (``impls.chunks``), takes numpy-manual's chunk sums, and a tree reduction adds
them. Reported: wall time (graph, generation and reduction: everything), the client's peak
RSS and each worker's (VmHWM), the single-process floor of ``benchmarks.measure.limits``
(data read at the probed bandwidth or one exp a point, whichever is slower) and the time as
a multiple of it. Then the same chunks are made again here, one at a time, and their sums
(the same numpy-manual code) compared with the workers' per-chunk sums and with the tree's
total, against the check's running round-off bound (``benchmarks.check.tolerance``) summed
over the compared chunks: each chunk's bound counts only its own points in the summation
term, so the sum is no larger than the check's bound for the whole set. ``--compare-every K``
compares every K-th chunk only (the comparison costs more than the Dask run).

    python scripts/dask_big.py --n 3e9 --workers 2 --compare-every 8 --out results/reference-dask
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.check import tolerance
from benchmarks.measure import bandwidth, limits
from impls import chunks, dask_cluster, dask_manual
from impls.numpy_manual import Blocked
from impls.problem import Problem

THETA = (0.5, -0.25)  # w, b: a point where the gradient is far from zero


def peak_rss() -> int:
    return dask_cluster._peak_rss()


def run_dask(client, n: int, seed: int, sizes: tuple[int, ...]) -> dict:
    """The gradient on the cluster: wall time, per-chunk sums, the tree's total, peaks."""
    theta = np.asarray(THETA)
    data = dask_manual.synthetic_blocks(n, 1, seed, "float64", sizes)
    dask_cluster.reset_worker_memory(client)
    dask_cluster._reset_peak_rss()
    start = time.perf_counter()
    parts = data.map_blocks(dask_manual._block_sums, theta, True, dtype=np.float64,
                            chunks=((3,), (1,) * len(sizes)), meta=np.empty((0, 0)))
    total = parts.sum(axis=1, split_every=dask_manual.SPLIT_EVERY)
    # one graph: the per-chunk sums are computed once and both results come back
    part_values, total_value = client.compute([parts, total], sync=True)
    wall = time.perf_counter() - start
    return {"wall_s": wall, "parts": part_values, "total": total_value,
            "client_peak_rss_bytes": peak_rss(),
            "worker_peak_rss_bytes": dask_cluster.worker_memory(client)}


def compare(n: int, seed: int, sizes: tuple[int, ...], parts: np.ndarray, total: np.ndarray,
            every: int) -> dict:
    """Chunk by chunk in this process: the same sums, bit for bit, and the bound."""
    theta = np.asarray(THETA)
    bounds = np.cumsum((0, *sizes))
    chosen = range(0, len(sizes), every)
    here = np.zeros(3)
    dask_chosen = np.zeros(3)
    bound = np.zeros(3)
    identical = 0
    start, single = time.perf_counter(), 0.0
    for k in chosen:
        began = time.perf_counter()
        x, y = chunks.rows(n, 1, seed, int(bounds[k]), int(bounds[k + 1]))
        value_k, grad_k = Blocked(x, y).value_and_grad(theta, unrounded=True)
        single += time.perf_counter() - began
        sums = np.array([value_k, *grad_k])
        mine = parts[:, k]
        identical += int(np.array_equal(sums, mine))
        here += sums
        dask_chosen += mine
        block = Problem("chunk", x, y, theta0=np.zeros(2), eta=1.0)
        bound += [tolerance.loss_tolerance(block, theta),
                  *tolerance.grad_tolerance(block, theta, "exact")]
        del x, y, block
    tree = np.asarray(total)
    out = {"compared_chunks": len(chosen), "of_chunks": len(sizes), "every": every,
           "chunks_bit_identical": identical, "compare_s": time.perf_counter() - start,
           # one process making and summing the compared chunks, and that scaled to all
           "single_process_s": single,
           "single_process_all_chunks_s": single * len(sizes) / len(chosen),
           "single_process_sum": here.tolist(), "bound": bound.tolist(),
           "dask_sum_of_compared": dask_chosen.tolist(), "dask_tree_total": tree.tolist()}
    # all chunks: the tree's total against the one-process sum; else the compared chunks
    difference = np.abs(tree - here) if every == 1 else np.abs(dask_chosen - here)
    out["abs_difference"] = difference.tolist()
    out["within_bound"] = bool(np.all(difference <= bound))
    # the tree's order against adding the workers' chunk sums one by one, always all chunks
    sequential = parts.sum(axis=1)
    out["tree_vs_sequential_rel"] = float(np.max(np.abs(tree - sequential)
                                                 / np.maximum(np.abs(sequential), 1e-300)))
    return out


def measure(args: argparse.Namespace) -> dict:
    n = args.n
    probe = limits.probe(bandwidth.probe())  # before the cluster: nothing of ours beside it
    floor = probe.floor(n, n * 2 * 8, "float64")
    sizes = dask_manual.chunk_sizes(n, args.workers, most=args.chunk_points)
    load_before = os.getloadavg()
    started = time.perf_counter()
    cluster = dask_cluster.local_cluster(args.workers, memory_limit=args.memory_limit)
    from distributed import Client

    client = Client(cluster, set_as_default=False)
    cluster_start = time.perf_counter() - started
    try:
        result = run_dask(client, n, args.seed, sizes)
        result["cluster_start_s"] = cluster_start
        print(f"dask: N={n:.3g} in {result['wall_s']:.1f} s", file=sys.stderr)
    finally:
        client.close()
        cluster.close()
    load_after = os.getloadavg()
    workers = result.pop("worker_peak_rss_bytes")
    parts, total = result.pop("parts"), result.pop("total")
    checked = compare(n, args.seed, sizes, parts, total, args.compare_every)
    return {
        "n": n, "d": 1, "dtype": "float64", "seed": args.seed, "theta": list(THETA),
        "data_bytes": n * 2 * 8, "workers": args.workers, "threads_per_worker": 1,
        "worker_memory_limit": args.memory_limit, "chunks": len(sizes),
        "chunk_points": sizes[0], "split_every": dask_manual.SPLIT_EVERY, **result,
        "worker_peak_rss_bytes": sorted(workers.values()),
        "max_worker_peak_rss_bytes": max(workers.values()),
        "points_per_s": n / result["wall_s"],
        "floor_s": floor, "floor": probe.to_json(),
        "multiple_of_floor": result["wall_s"] / floor if floor else None,
        "speedup_over_one_process": checked["single_process_all_chunks_s"] / result["wall_s"],
        "comparison": checked,
        "loadavg_before": load_before, "loadavg_after": load_after,
        "cpus": os.cpu_count(), "machine_note": args.note,
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=lambda t: int(float(t)), default=3 * 10**9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="4GB", help="per worker (Dask's limit)")
    parser.add_argument("--chunk-points", type=int, default=dask_manual.CHUNK_POINTS)
    parser.add_argument("--compare-every", type=int, default=1, metavar="K")
    parser.add_argument("--note", default="2 cores shared with other sessions' work: "
                        "timings are contended")
    parser.add_argument("--out", default="results/reference-dask")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    record = measure(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"dask_big-n{args.n:.0e}.json".replace("+", "")
    path.write_text(json.dumps(record, indent=1) + "\n")
    gib = 2**30
    print(f"N={args.n:.3g}: {record['wall_s']:.1f} s on {args.workers} workers "
          f"({record['multiple_of_floor']:.1f}× the floor {record['floor_s']:.2f} s); client "
          f"peak {record['client_peak_rss_bytes'] / gib:.2f} GiB, workers "
          f"{', '.join(f'{b / gib:.2f}' for b in record['worker_peak_rss_bytes'])} GiB; "
          f"within bound: {record['comparison']['within_bound']}; wrote {path}")
    return 0 if record["comparison"]["within_bound"] else 1


if __name__ == "__main__":
    sys.exit(main())
