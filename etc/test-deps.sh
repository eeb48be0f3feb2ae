#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK and the private MariaDB (etc/dev-db.sh installs that):
# SIPp (Debian package sip-tester), the independent SIP peer of the interop tests; Kamailio (Debian package
# kamailio), which checks that `dialer export kamailio` writes files its modules load, and with its tls module (Debian
# package kamailio-tls-modules) is the TLS carrier of the TLS tests; baresip (Debian package
# baresip-core), a real softphone registering and calling through the edge; and Chromium (Debian package
# chromium), the headless browser of the web console tests (Playwright drives it; it never downloads a browser of
# its own). Idempotent: apt-get runs only when something is missing.
set -euo pipefail
packages=()
if ! command -v sipp >/dev/null 2>&1; then packages+=(sip-tester); fi
# kamailio lives in /usr/sbin, which a normal user's PATH may lack.
if ! command -v kamailio >/dev/null 2>&1 && [[ ! -x /usr/sbin/kamailio ]]; then packages+=(kamailio); fi
# Kamailio's tls module (the TLS carrier of the TLS tests) is a package of its own.
if ! compgen -G "/usr/lib/*/kamailio/modules/tls.so" >/dev/null && [[ ! -e /usr/lib/kamailio/modules/tls.so ]]; then packages+=(kamailio-tls-modules); fi
if ! command -v baresip >/dev/null 2>&1; then packages+=(baresip-core); fi
# openssl s_client offers TLS 1.1, which .NET's own client no longer does, to show the TLS listener refuses it.
if ! command -v openssl >/dev/null 2>&1; then packages+=(openssl); fi
if [[ ! -x /usr/bin/chromium ]]; then packages+=(chromium); fi
if [[ ${#packages[@]} -eq 0 ]]; then
  exit 0
fi
sudo=()
if [[ "$(id -u)" -ne 0 ]]; then sudo=(sudo); fi
echo "test-deps: installing ${packages[*]}" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >&2
