"""The check's verdicts as tables: one rendering for ``updatebench check``, report.md and HTML.

Reads check.json's keys defensively: a missing key shows as an en dash, unknown keys are
ignored, and a per-implementation ``reason`` or ``message`` (newer check.json) is shown with
the failures, so an older or newer file never stops a report.
"""

from __future__ import annotations

from typing import Any

from benchmarks.report.cells import Cell, Table
from benchmarks.report.format import sci

VERDICT_KINDS = {"pass": "pass", "fail": "fail", "error": "fail"}
CAPTION = ("errors are scaled: |g − ∇L|/S, the larger of θ0 and the probe point against the "
           "reference (see the tolerance rule); ρ = |a − b| / max(1, |a| + |b|) as in ADBench; "
           "Taylor order ≈ 2 for a correct gradient (n/a: round-off or truncation hides it)")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def _flag(value: Any) -> Cell:
    if not isinstance(value, bool):
        return Cell("–", kind="muted")
    return Cell("ok", kind="pass") if value else Cell("no", kind="fail")


def details(entry: dict[str, Any], where: str | None = "check.json") -> str:
    """The failures, then any reason or message the check gave, as one line; ``where`` says
    where the failures not shown are written (None: nowhere yet)."""
    failures = entry.get("failures")
    parts = [str(f) for f in failures] if isinstance(failures, list) else \
        ([str(failures)] if failures else [])
    more = _number(entry.get("more_failures"))
    if more:
        parts.append(f"… and {more:.0f} more failures, every one in {where} "
                     "(implementations → all_failures)" if where else
                     f"… and {more:.0f} more failures (--json PATH writes every one)")
    for key in ("reason", "message"):
        text = entry.get(key)
        if text and str(text) not in parts:
            parts.append(str(text))
    return "; ".join(parts)


def entry_cells(entry: dict[str, Any], where: str | None = "check.json") -> list[Cell]:
    """One implementation's row after its name (and run): method to details."""
    status = str(entry.get("status", "?"))
    grads = [_dict(entry.get(k)) for k in ("gradient_at_theta0", "gradient_at_probe")
             if isinstance(entry.get(k), dict)]
    taylor, train = _dict(entry.get("taylor")), _dict(entry.get("train"))
    text = details(entry, where)
    err = tol = rho = loss = None
    if grads:
        worst = max(grads, key=lambda g: _number(g.get("error_over_tolerance")) or 0.0)
        err, tol = _number(worst.get("grad_error")), _number(worst.get("grad_tolerance"))
        rhos = [r for r in (_number(g.get("grad_rho")) for g in grads) if r is not None]
        losses = [v for v in (_number(g.get("loss_error")) for g in grads) if v is not None]
        rho, loss = max(rhos, default=None), max(losses, default=None)
    order = _number(taylor.get("observed_order")) if taylor.get("conclusive") else None
    order_text = sci(order, ".2f") if taylor.get("conclusive") else ("n/a" if taylor else "–")
    final = _number(train.get("final_loss"))
    return [Cell(str(entry.get("method", "") or "")),
            Cell(status, kind=VERDICT_KINDS.get(status, "status"), tip=text),
            Cell(sci(loss), loss), Cell(sci(err), err), Cell(sci(tol), tol),
            Cell(sci(rho), rho),
            Cell(order_text, order, "" if taylor.get("passed", True) is not False else "fail"),
            _flag(_dict(entry.get("descent")).get("passed")),
            _flag(_dict(entry.get("step")).get("passed")), _flag(train.get("passed")),
            Cell(sci(final, ".3g"), final), Cell(text, kind="bad" if text else "")]


def title(report: dict[str, Any]) -> str:
    problem = _dict(report.get("problem"))
    steps = report.get("steps")
    method = _dict(_dict(report.get("reference")).get("probe")).get("method")
    return (f"correctness on the {problem.get('name', 'five-point')} problem"
            + (f", {steps} training steps" if steps else "")
            + (f", reference {method}" if method else "") + " (check.json)")


def verdict_table(checks: list[tuple[str, dict[str, Any]]],
                  where: str | None = "check.json") -> Table:
    """Every implementation of every check: its errors, the sub-checks and the verdict."""
    multi = len(checks) > 1
    table = Table("check", title(checks[0][1]) if checks else "correctness",
                  ["implementation", *(["run"] if multi else []), "method", "verdict",
                   "loss err", "grad err", "tolerance", "ρ", "Taylor order", "descent",
                   "step", "train", "final loss", "details"], slug="check", caption=CAPTION)
    for label, report in checks:
        for entry in _list(report.get("implementations")):
            entry = _dict(entry)
            table.rows.append([Cell(str(entry.get("name", "?"))),
                               *([Cell(label, kind="muted")] if multi else []),
                               *entry_cells(entry, where)])
    return table


def agreement_table(report: dict[str, Any], label: str = "", index: int = 0) -> Table | None:
    """Pairwise gradient differences at the probe point, or None where check.json has none."""
    agree = _dict(_dict(report.get("agreement")).get("probe"))
    names = [str(n) for n in _list(agree.get("names"))]
    values, within = _list(agree.get("scaled_difference")), _list(agree.get("within_tolerance"))
    if not names or len(values) != len(names):
        return None
    table = Table("check", "pairwise gradient differences at the probe point (scaled; "
                  "* = beyond the two tolerances combined)" + (f", {label}" if label else ""),
                  ["", *names], slug=f"agreement-{index}" if index else "agreement")
    for i, name in enumerate(names):
        row = _list(values[i])
        oks = _list(within[i]) if i < len(within) else []
        cells = []
        for j in range(len(names)):
            value = _number(row[j]) if j < len(row) else None
            good = oks[j] if j < len(oks) else True
            cells.append(Cell(sci(value) + ("" if good else "*"), value,
                              "" if good else "bad", mark="" if good else "*"))
        table.rows.append([Cell(name), *cells])
    return table


def check_tables(checks: list[tuple[str, dict[str, Any]]],
                 where: str | None = "check.json") -> list[Table]:
    """The check's tables for every output: verdicts, then each run's agreement matrix."""
    if not checks:
        return []
    tables = [verdict_table(checks, where)]
    for index, (label, report) in enumerate(checks):
        matrix = agreement_table(report, label if len(checks) > 1 else "", index)
        if matrix is not None:
            tables.append(matrix)
    return tables


def details_below(table: Table) -> tuple[Table, list[str]]:
    """The verdict table without its details column, and the details as lines of their own.

    For the terminal, where a long reason folded into a narrow column is hard to read.
    """
    if not table.columns or table.columns[-1] != "details":
        return table, []
    lines = [f"{row[0].text} ({row[table.columns.index('verdict')].text}): {row[-1].text}"
             for row in table.rows if row[-1].text]
    return Table(table.section, table.title, table.columns[:-1], [r[:-1] for r in table.rows],
                 table.caption, table.slug, table.left), lines


def step_line(report: dict[str, Any]) -> str | None:
    """The curvature bound and where the problem's η sits against it."""
    step = _dict(report.get("step_size"))
    eta, lower, upper = (_number(step.get(k)) for k in ("eta", "eta_descent", "eta_stable"))
    if eta is None or lower is None or upper is None:
        return None
    where = ("at most 1/L: every step lowers the loss" if eta <= lower * (1 + 1e-12) else
             "below 2/L: every step lowers the loss" if eta < upper else "above 2/L")
    return (f"step size: L = c·λ_max([X 1]ᵀ[X 1]) = {_number(step.get('curvature_c')) or 0:.4f}"
            f" × {_number(step.get('lambda_max')) or 0:.4g} = {_number(step.get('L')) or 0:.4g};"
            f" 1/L = {lower:.4g}, 2/L = {upper:.4g}; η = {eta:.4g} is {where}")


def shown_vector(values: Any, limit: int = 4) -> str:
    items = _list(values)
    return str(items) if len(items) <= limit else \
        "[" + ", ".join(str(v) for v in items[:limit]) + f", … ({len(items)} values)]"


def summary(report: dict[str, Any]) -> tuple[str, list[str]]:
    """The line above the tables (the problem) and the lines below (trajectory, step size,
    the problem's warnings and what the check did instead of what it could not)."""
    p = _dict(report.get("problem"))
    eta = _number(p.get("eta"))
    rule = f" ({p['eta_rule']})" if p.get("eta_rule") else ""
    head = (f"check {p.get('name', '?')}: n={p.get('n', '?')} d={p.get('d', '?')} "
            f"{p.get('dtype', '?')}" + (f" η={eta:g}{rule}" if eta is not None else "")
            + f", θ0={shown_vector(p.get('theta0'))}, {report.get('steps', '?')} training "
            f"steps; reference "
            f"{_dict(_dict(report.get('reference')).get('probe')).get('method', '?')}")
    tail = []
    trajectory = _dict(report.get("reference_trajectory"))
    losses = [v for v in _list(trajectory.get("losses")) if _number(v) is not None]
    if losses:
        theta = [round(t, 4) for t in _list(trajectory.get("final_theta"))
                 if _number(t) is not None]
        tail.append(f"exact descent: loss {losses[0]:.4g} → {losses[-1]:.4g} after "
                    f"{report.get('steps', len(losses) - 1)} steps, θ = {shown_vector(theta)}")
    step = step_line(report)
    if step:
        tail.append(step)
    tail += [f"WARNING about the problem, not the implementations: {w}"
             for w in _list(report.get("problem_warnings"))]
    tail += [f"note: {n}" for n in _list(report.get("notes"))]
    entries = [_dict(e) for e in _list(report.get("implementations"))]
    if any(_dict(e.get("taylor")) and not _dict(e.get("taylor")).get("conclusive")
           for e in entries):
        tail.append("Taylor order n/a: the dtype's round-off or the method's truncation error "
                    "swamps the remainder at every step size; the reference comparison decides.")
    return head, tail
