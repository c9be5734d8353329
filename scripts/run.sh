#!/usr/bin/env bash
# Set up and run Centralka locally: web panel, xml_curl endpoint and event listener
# on an embedded SQLite database (instance/) with local storage and the demo company.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
export PORT=${PORT:-8000}
switch_endpoint=${CENTRALKA_SWITCH_ENDPOINT_BIND:-127.0.0.1:8001}
.venv/bin/centralka db upgrade
.venv/bin/centralka demo load --if-empty
.venv/bin/centralka announcement system
cat <<MSG

Centralka is starting on http://127.0.0.1:${PORT}
  web panel:          http://127.0.0.1:${PORT}/
  xml_curl endpoint:  http://${switch_endpoint}/xml_curl   (point FreeSWITCH's mod_xml_curl here, see docs/freeswitch.md)
  sign in as anna.kowalska@firma-abc.example; the one-time code is printed in this log.
  secrets: generated on the first run into the instance folder (secret-key, switch-credentials; mode 0600).

MSG
# What FreeSWITCH needs to reach this endpoint (centralka_credentials.xml, see docs/freeswitch.md).
.venv/bin/centralka switch credentials
exec .venv/bin/centralka serve --port "$PORT"
