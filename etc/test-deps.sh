#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK and the private MariaDB (etc/dev-db.sh installs that):
# SIPp (Debian package sip-tester), the independent SIP peer of the interop tests. Idempotent.
set -euo pipefail
if command -v sipp >/dev/null 2>&1; then
  exit 0
fi
sudo=()
if [[ "$(id -u)" -ne 0 ]]; then sudo=(sudo); fi
echo "test-deps: installing sip-tester (SIPp)" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sip-tester >&2
