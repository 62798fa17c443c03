"""MkDocs hooks: the reference runs' READMEs (results/<run>/README.md) and the files they
link or show become pages of the site, so docs/ links to them as a reader on the repository would
(``../results/...``) and ``mkdocs build --strict`` still checks every such link."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File, Files

LINKED = re.compile(r"\]\(([^)\s#:]+)(?:#[^)\s]*)?\)")  # relative links and images


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_files(files: Files, config) -> Files:
    root = _root(config)
    results = (root / "results").resolve()
    for readme in sorted(results.glob("*/README.md")):
        linked = (readme.parent / path for path in LINKED.findall(readme.read_text()))
        for path in (readme, *linked):
            path = path.resolve()
            if not path.is_file() or results not in path.parents:
                continue
            uri = "results/" + path.relative_to(results).as_posix()
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Links written for the repository (docs/x.md → ../results/, results/r/README.md →
    ../../docs/) point inside the site, where results/ sits beside the pages."""
    if page.file.src_uri.startswith("results/"):
        return markdown.replace("](../../docs/", "](../../")
    return markdown.replace("](../results/", "](results/")
