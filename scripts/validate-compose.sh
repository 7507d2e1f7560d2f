#!/usr/bin/env bash
# Opt-in check of docker-compose.yml without a Docker engine: Debian's docker-compose (1.29.2) parses and
# validates the file. Installs docker-compose when missing (it pulls in docker.io and ~45 packages, which is
# why this is not part of ./test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker-compose >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends docker-compose
fi
# The file requires the shared credentials; any values do for parsing.
SWITCHBOARD_SECRET=validate SWITCHBOARD_API_KEY=validate DASHBOARD_PASSWORD=validate docker-compose -f docker-compose.yml config -q
echo "docker-compose.yml: valid"
