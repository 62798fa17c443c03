"""``updatebench main``: the default job, a quick sweep with its correctness check and then
its report, each run through its command's typed ``run``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.cli import dask_options, dry_run, report, sweep
from benchmarks.cli.command import EXIT_FAILED, EXIT_OK, load_plugins
from benchmarks.cli.plan import quick_options
from benchmarks.cli.sweep_check import check_passed
from benchmarks.store.format import METADATA

NAME = "main"
HELP = "Run the default job: a quick sweep with its correctness check, then its report."


@dataclass(frozen=True)
class MainOptions:
    out: str = "results"
    plugins: tuple[str, ...] = ()
    dask: dask_options.DaskOptions = field(default_factory=dask_options.DaskOptions)
    dry_run: bool = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="results", metavar="DIR",
                        help="Make the sweep's run folder in this folder (default results).")
    parser.add_argument("--dry-run", action="store_true", help="Print the plan, the number "
                        "of configurations and an estimated time; measure nothing.")
    dask_options.add_arguments(parser)


def options_from(namespace: argparse.Namespace) -> MainOptions:
    return MainOptions(out=namespace.out, plugins=load_plugins(namespace.plugin),
                       dask=dask_options.from_namespace(namespace), dry_run=namespace.dry_run)


def run(options: MainOptions) -> int:
    """The sweep's exit status if it failed, else the worse of the report's and the check's."""
    if options.dry_run:
        dry_run.show(quick_options(), True, "main")
        print("then: the run's report (a summary here; report.md, report.html and "
              "explain.html in the run folder)")
        return EXIT_OK
    request = sweep.Request(options=quick_options(), out=options.out, plugins=options.plugins,
                            dask=options.dask)
    code, folder = sweep.execute(request, summary=False)
    if code != EXIT_OK and not untrusted_only(folder):
        return code
    shown = report.run(report.ReportOptions(inputs=(str(folder),)))
    passed = check_passed(folder)
    if not passed:
        print("updatebench: some implementation failed the check (see the table above)",
              file=sys.stderr)
    return max(code, shown, EXIT_OK if passed else EXIT_FAILED)


def untrusted_only(folder: Path) -> bool:
    """Whether the sweep completed and failed only by results that are wrong or implausible:
    the report still shows them (in red) with everything else."""
    try:
        return json.loads((folder / METADATA).read_text()).get("status") == "complete"
    except (OSError, ValueError):
        return False
