#!/usr/bin/env bash
# Prepare a fresh Debian machine: system packages, the virtualenv in .venv, the project.
# Usage: scripts/setup.sh run|test
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}

system_packages=(espeak-ng sox ffmpeg)
if [ "$purpose" = test ]; then
  # kamailio, kamailio-postgres-modules: tests/foundation/test_kamailio_dispatch.py runs
  # kamailio/kamailio.cfg; postgresql-client: tests/foundation/test_backup.py (pg_dump / pg_restore)
  system_packages+=(chromium kamailio kamailio-postgres-modules postgresql-client)
fi

missing=()
for package in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      python=$candidate
      break
    fi
  done
fi
[ -n "$python" ] || { echo "error: Python 3.11 or newer is needed" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$purpose" = test ]; then
  .venv/bin/python -m pip install --quiet -e ".[test]"
else
  .venv/bin/python -m pip install --quiet -e .
fi
