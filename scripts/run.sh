#!/usr/bin/env bash
# Set up and run Centralka locally: web panel, xml_curl endpoint and event listener
# on an embedded SQLite database (instance/) with local storage and the demo company.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
export PORT=${PORT:-8000}
.venv/bin/centralka db upgrade
.venv/bin/centralka demo load --if-empty
.venv/bin/centralka announcement system
cat <<MSG

Centralka is starting on http://127.0.0.1:${PORT}
  web panel:          http://127.0.0.1:${PORT}/
  xml_curl endpoint:  http://127.0.0.1:${PORT}/xml_curl   (point FreeSWITCH's mod_xml_curl here, see docs/freeswitch.md)
  sign in as anna.kowalska@firma-abc.example; the one-time code is printed in this log.
MSG
exec .venv/bin/centralka serve --port "$PORT"
