#!/usr/bin/env bash
# Creates .venv with the pinned, tested versions (constraints.txt). With --test it also makes
# sure headless Chromium (the HTML-report test) and a small LaTeX (the export's compile test)
# are there, Debian's packages, as root. Each step says what it installs as it goes.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY' || { echo "setup: updatebench needs Python 3.11 or newer as python3" >&2; exit 1; }
import sys
sys.exit(sys.version_info < (3, 11))
PY
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $(python3 --version)"
  python3 -m venv .venv
fi
echo "setup: installing updatebench and its pinned dependencies (constraints.txt) into .venv"
# pip's own lines, one per package it collects or installs, so a slow step names itself
.venv/bin/python -m pip install --progress-bar off -c constraints.txt -e '.[all,test]' 2>&1 |
  grep --line-buffered -E '^(Collecting|Requirement already satisfied|Successfully|ERROR|error)' |
  sed -u -E 's/^Requirement already satisfied: ([^ ]+).*/already there: \1/; s/^/setup: pip: /'
apt_install() {  # what for, then Debian packages
  local why=$1; shift
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing $* (apt-get) for $why"
    { apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
        >/dev/null; } ||
      echo "setup: could not install $*; $why will be skipped" >&2
  else
    echo "setup: $* not found and cannot be installed here; $why will be skipped" >&2
  fi
}
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || apt_install "the HTML report test" chromium
  command -v pdflatex >/dev/null 2>&1 ||
    apt_install "the LaTeX export's compile test" texlive-latex-base texlive-latex-recommended
fi
echo "setup: done; run: .venv/bin/updatebench --help"
