#!/usr/bin/env bash
# Creates .venv with the pinned, tested versions (constraints.txt). With --test it also makes
# sure headless Chromium is there for the HTML-report test (Debian's package, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY' || { echo "setup: updatebench needs Python 3.11 or newer as python3" >&2; exit 1; }
import sys
sys.exit(sys.version_info < (3, 11))
PY
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q -c constraints.txt -e '.[all,test]'
if [ "${1:-}" = "--test" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing chromium for the HTML report test"
    { apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; } ||
      echo "setup: could not install chromium; the HTML report test will be skipped" >&2
  else
    echo "setup: chromium not found and cannot be installed here; its test will be skipped" >&2
  fi
fi
