"""The documentation cannot rot: the site builds under ``mkdocs build --strict`` (every link
and anchor resolves), docs/cli.md is the parser's page, and every command a reader is told
to type — each line of a ```bash block in docs/*.md and README.md — runs and exits as the
page says (0, or the status of a trailing ``# exit N``). Sweeps and ``main`` run with
``--dry-run``. Commands run in a scratch folder that sees the repository, with copies of the
run folders they name, so a documented ``report`` cannot rewrite a committed run.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.cli import reference
from benchmarks.cli.main import build_parser
from benchmarks.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
PAGES = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
FENCE = re.compile(r"^```bash\s*\n(.*?)^```", re.MULTILINE | re.DOTALL)
EXIT = re.compile(r"#\s*exit\s+(\d+)\s*$")
DRY_RUN = ("sweep", "main")  # commands that run for minutes: shown a plan, not run
TIMEOUT_S = 180


@dataclass(frozen=True)
class Documented:
    page: str
    line: str
    argv: tuple[str, ...]
    status: int

    def __str__(self) -> str:
        return f"{self.page}: {self.line}"


def commands_in(page: str, text: str) -> list[Documented]:
    """Every command of the page's ```bash blocks; a line that is not one is refused."""
    found = []
    for block in FENCE.findall(text):
        for raw in block.splitlines():
            line = raw.strip()
            if not line:
                continue
            status = int(m.group(1)) if (m := EXIT.search(line)) else 0
            argv = tuple(shlex.split(line, comments=True))
            script = argv[0] == "python" and len(argv) > 1 and argv[1].startswith("scripts/")
            if argv[0] != "updatebench" and not script:
                raise ValueError(f"{page}: a ```bash line must start with 'updatebench ' or "
                                 f"'python scripts/': {line!r}")
            found.append(Documented(page, line, argv, status))
    return found


def documented() -> list[Documented]:
    seen: dict[tuple[str, ...], Documented] = {}
    for path in PAGES:
        for each in commands_in(path.relative_to(ROOT).as_posix(), path.read_text()):
            seen.setdefault(each.argv, each)
    return list(seen.values())


def accepts_dry_run(argv: tuple[str, ...]) -> bool:
    try:
        build_parser().parse_args([*argv[1:], "--dry-run"])
    except (UsageError, SystemExit):
        return False
    return True


def scratch(tmp_path: Path, argv: tuple[str, ...]) -> Path:
    """A folder that sees the repository, with copies of the run folders the command names."""
    for entry in ROOT.iterdir():
        if entry.name not in ("results", ".git"):
            (tmp_path / entry.name).symlink_to(entry)
    for word in argv:
        if word.startswith("results/") and (ROOT / word).exists():
            shutil.copytree(ROOT / word, tmp_path / word, symlinks=True)
    (tmp_path / "results").mkdir(exist_ok=True)
    return tmp_path


def executable(argv: tuple[str, ...]) -> list[str]:
    if argv[0] == "updatebench":
        return [str(Path(sys.executable).parent / "updatebench"), *argv[1:]]
    return [sys.executable, *argv[1:]]


def build_site(root: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                           "-d", str(site)], cwd=root, capture_output=True, text=True,
                          timeout=TIMEOUT_S, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def test_the_site_builds_strictly(tmp_path):
    built = build_site(ROOT, tmp_path / "site")
    assert built.returncode == 0, built.stderr[-3000:]
    assert (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site" / "results" / "reference" / "index.html").exists()


def test_a_broken_link_fails_the_build(tmp_path):
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    for name in ("results", "scripts"):
        (tmp_path / name).symlink_to(ROOT / name)
    page = tmp_path / "docs" / "own-data.md"
    page.write_text(page.read_text() + "\nSee [the sweep](measuring.md#no-such-section) and "
                    "[a run](../results/no-such-run/README.md).\n")
    built = build_site(tmp_path, tmp_path / "site")
    assert built.returncode != 0
    assert "no-such-section" in built.stderr and "no-such-run" in built.stderr


def test_cli_page_is_the_parsers():
    assert reference.main(["--check"]) == 0, "docs/cli.md is stale: run " \
        "python -m benchmarks.cli.reference"


def test_a_stale_cli_page_is_caught(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "cli.md"
    stale.write_text(reference.render().replace("--quick", "--fast"))
    monkeypatch.setattr(reference, "PAGE", stale)
    assert reference.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert reference.main([]) == 0 and stale.read_text() == reference.render()


def test_cli_page_does_not_follow_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    narrow = reference.render()
    monkeypatch.setenv("COLUMNS", "250")
    assert reference.render() == narrow


def test_cli_page_lists_every_command_and_option():
    page = reference.render()
    parser = build_parser()
    subparsers = next(a for a in parser._actions if hasattr(a, "choices") and a.choices)
    for name, sub in subparsers.choices.items():
        assert f"## `updatebench {name}`" in page
        for action in sub._actions:
            for flag in action.option_strings:
                assert f"`{flag}" in page, (name, flag)


def test_a_line_that_is_no_command_is_refused():
    with pytest.raises(ValueError, match="must start with"):
        commands_in("x.md", "```bash\nrm -rf results\n```\n")
    found = commands_in("x.md", "```bash\nupdatebench check --impl a   # exit 1\n```\n"
                        "```text\nnot run\n```\n")
    assert [(c.argv, c.status) for c in found] == [(("updatebench", "check", "--impl", "a"), 1)]


def run(argv: tuple[str, ...], tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(executable(argv), cwd=scratch(tmp_path, argv), capture_output=True,
                          text=True, timeout=TIMEOUT_S)


def test_a_command_that_exits_otherwise_than_documented_is_seen(tmp_path):
    [wrong] = commands_in("x.md", "```bash\nupdatebench check --impl no-such-impl\n```\n")
    assert wrong.status == 0 and run(wrong.argv, tmp_path).returncode == 2


@pytest.mark.parametrize("command", documented(), ids=str)
def test_documented_command_runs(command: Documented, tmp_path):
    argv = command.argv
    if argv[:1] == ("updatebench",) and len(argv) > 1 and argv[1] in DRY_RUN:
        if not accepts_dry_run(argv):
            pytest.skip(f"'updatebench {argv[1]}' does not take --dry-run yet; the line "
                        "runs for minutes without it")
        argv = (*argv, "--dry-run")
    ran = run(argv, tmp_path)
    assert ran.returncode == command.status, (
        f"{command} exited {ran.returncode}, the page says {command.status}:\n"
        f"{ran.stdout[-2000:]}\n{ran.stderr[-2000:]}")
