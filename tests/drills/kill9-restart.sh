#!/usr/bin/env bash
# Drill: kill -9 of `dialer serve` under load, then restart: no channel is left charged after the dialog timeout.
#
#   tests/drills/kill9-restart.sh        DRILL_RATE=50 (calls/s)   DRILL_MAX_CALL=30 (Edge:MaxCallSeconds)
#
# A SIPp dialer places calls of 120 s (longer than the dialog timeout) through one trunk for 10 s; the edge is killed
# with SIGKILL mid-load and started again at once. The restarted edge restores the answered calls it had stored (their
# channels charged again) and, at each one's dialog timeout, sends the BYEs itself. Passes when the restarted edge
# restores the answered calls (all but at most the last second's) and, once the last dialog timeout (plus the 64 s a
# BYE may take) has passed, /api/channels shows 0. Not part of `make test` (it takes about two minutes).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
REF="$(cd "$ROOT/../shared/reference/kamailio" && pwd -P)"
RATE="${DRILL_RATE:-50}"
MAX_CALL="${DRILL_MAX_CALL:-30}"
OUT="$ROOT/var/drills/kill9-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
HARNESS=drill
source "$ROOT/tests/lib/harness.sh"
need sipp=sip-tester
dev_db dialer_kill9
db() { sql -N dialer_kill9 "$@"; }
api_port="$(free_port)"
api="http://127.0.0.1:$api_port"

build_dialer
export Dialer__Database__ConnectionString="$cs" Dialer__Secrets__KeyFile="$OUT/secrets.key" Dialer__Admin__Url="$api" \
  Dialer__Sip__Listen__0=udp:127.0.0.1:5560 Dialer__Edge__DialerAcl__0=127.0.0.1/32 Dialer__Edge__MaxCallSeconds="$MAX_CALL" \
  Logging__LogLevel__Default=Warning DIALER_ADMIN_TOKEN=drill
dotnet "$OUT/dialer/dialer.dll" migrate >&2
db -e "DELETE FROM call_log; DELETE FROM edge_dialogs" >&2
cat >"$OUT/trunk.json" <<JSON
{"name":"kill9","channelCap":100000,"dialPrefix":"1","codecs":["PCMU","PCMA"],"servers":[{"host":"127.0.0.1","port":5571}]}
JSON
dotnet "$OUT/dialer/dialer.dll" trunk apply --file "$OUT/trunk.json" >&2
in_use() { curl -sf -H "Authorization: Bearer drill" "$api/api/channels" | python3 -c 'import json,sys; print(sum(t["inUse"] for t in json.load(sys.stdin)))'; }
serve "$api" "Logging__LogLevel__Dialer.Edge.EdgeService=Information"
(cd "$OUT" && exec sipp -sf "$REF/uas.xml" -i 127.0.0.1 -p 5571 -nostdin >/dev/null 2>&1) &
pids+=($!)
sleep 1
(cd "$OUT" && exec timeout 300 sipp 127.0.0.1:5560 -sf "$REF/uac.xml" -s 1000 -i 127.0.0.1 -p 5580 -r "$RATE" -m $((RATE * 10)) -d 120000 \
  -nostdin -recv_timeout 200000 >/dev/null 2>&1) &
load=$!
pids+=("$load")
sleep 8
before="$(in_use)"
kill -9 "$dpid"
killed_at="$(date +%s)"
log "killed with $before channels in use; restarting"
serve "$api" "Logging__LogLevel__Dialer.Edge.EdgeService=Information"
restored="$(grep -o 'Restored [0-9]* live call' "$OUT/dialer.log" | tail -n1 | tr -dc '0-9')"
log "restarted: ${restored:-0} calls restored, $(in_use) channels in use (the dialer goes on placing calls)"
# The last call began at most 10 s after the load did: its dialog timeout ends it, the BYE may take up to 64 s more.
deadline=$((killed_at + MAX_CALL + 64 + 5))
left="$restored"
while (( $(date +%s) < deadline )); do
  left="$(in_use)"; ((left == 0)) && break; sleep 2
done
{
  echo "kill -9 at ${before} channels in use (${RATE} calls/s, 120 s calls, Edge:MaxCallSeconds ${MAX_CALL})"
  echo "after restart: ${restored:-0} answered calls restored, their channels charged again"
  echo "$(( $(date +%s) - killed_at )) s after the kill: ${left} in use"
} | tee "$OUT/summary.txt"
fail=0
# Calls answered in the last write-behind interval before the kill (250 ms) may be lost; none is invented.
if ((${restored:-0} >= before - RATE && ${restored:-0} <= before + RATE)); then log "ok:   the answered calls came back charged"
else log "FAIL: restored ${restored:-0} of $before"; fail=1; fi
if ((left == 0)); then log "ok:   no channel left charged after the dialog timeout"; else log "FAIL: $left channels still charged"; fail=1; fi
exit "$fail"
