#!/usr/bin/env bash
# Drill: MariaDB unreachable for 60 s while `dialer serve` carries SIPp calls, phones register and an admin writes.
#
#   tests/drills/mariadb-outage.sh        DRILL_OUTAGE=60 (seconds)   DRILL_RATE=50 (calls/s, 3 s calls)
#
# The edge reaches MariaDB through a relay that this script cuts (connections reset, new ones refused) and restores, as
# a stopped server looks to a client, without stopping the MariaDB that tests and `make run` share. Timeline: load and
# registrations start; after 15 s the database goes away for DRILL_OUTAGE seconds; the load goes on 20 s after it
# returns. Phones 1-30 register before the outage, phones 31-50 only during it; an admin creates a phone every 0.5 s.
# Passes when:
#   - no call failed (SIPp dialer: every call answered and ended), so no live call was dropped;
#   - every call has its call_log row, exactly once; no dialog row is left; /api/channels is back to 0;
#   - all 50 phones have their binding in MariaDB, the 20 registered only during the outage too;
#   - every admin write was either committed (201, and the phone exists) or refused with 503 (and it does not).
# Not part of `make test` (it takes about two minutes).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
REF="$(cd "$ROOT/../shared/reference/kamailio" && pwd -P)"
OUTAGE="${DRILL_OUTAGE:-60}"
RATE="${DRILL_RATE:-50}"
AFTER=20
OUT="$ROOT/var/drills/outage-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
HARNESS=drill
source "$ROOT/tests/lib/harness.sh"
need sipp=sip-tester socat=socat
dev_db dialer_drill
db() { sql -N dialer_drill "$@"; }
relay_port="$(free_port)"
api_port="$(free_port)"
api="http://127.0.0.1:$api_port"

# The relay (socat, one process per connection): killing them all resets every connection and refuses the port, as a
# stopped server looks to a client; starting it again restores the database.
relay_up() { socat TCP-LISTEN:"$relay_port",bind=127.0.0.1,reuseaddr,fork,backlog=256 TCP:127.0.0.1:"$dbport" & }
relay_cut() { pkill -KILL -f "TCP-LISTEN:$relay_port," || true; }
trap 'relay_cut; cleanup' EXIT
relay_up
sleep 0.5

build_dialer
relayed="$(sed "s/Port=$dbport/Port=$relay_port/" <<<"$cs")"
export Dialer__Database__ConnectionString="$relayed" Dialer__Secrets__KeyFile="$OUT/secrets.key" Dialer__Admin__Url="$api" \
  Dialer__Sip__Listen__0=udp:127.0.0.1:5460 Dialer__Edge__DialerAcl__0=127.0.0.1/32 Dialer__Edge__Flood__Exempt__0=127.0.0.0/8 \
  Logging__LogLevel__Default=Warning DIALER_ADMIN_TOKEN=drill
dotnet "$OUT/dialer/dialer.dll" migrate >&2
db -e "DELETE FROM call_log; DELETE FROM edge_dialogs; DELETE FROM registrations; DELETE FROM phones WHERE extension LIKE '7%' OR extension BETWEEN '60001' AND '60050'" >&2
cat >"$OUT/trunk.json" <<JSON
{"name":"drill","channelCap":100000,"dialPrefix":"1","codecs":["PCMU","PCMA"],
 "servers":[{"host":"127.0.0.1","port":5471,"priority":1},{"host":"127.0.0.1","port":5472,"priority":2}]}
JSON
dotnet "$OUT/dialer/dialer.dll" trunk apply --file "$OUT/trunk.json" >&2
serve "$api"
auth=(-H "Authorization: Bearer drill" -H "Content-Type: application/json")
printf 'SEQUENTIAL\n' >"$OUT/before.csv"
printf 'SEQUENTIAL\n' >"$OUT/during.csv"
for i in $(seq 1 50); do
  ext=$((60000 + i))
  curl -sf "${auth[@]}" -X POST "$api/api/phones" -d "{\"extension\":\"$ext\",\"password\":\"pass$ext\"}" >/dev/null
  line="$ext;pass$ext;[authentication username=$ext password=pass$ext]"
  if ((i <= 30)); then echo "$line" >>"$OUT/before.csv"; else echo "$line" >>"$OUT/during.csv"; fi
done
sleep 3
for port in 5471 5472; do
  (cd "$OUT" && exec sipp -sf "$REF/uas.xml" -i 127.0.0.1 -p "$port" -nostdin >/dev/null 2>&1) &
  pids+=($!)
done
sleep 1
register() { # FILE PORT COUNT
  (cd "$OUT" && sipp 127.0.0.1:5460 -sf "$ROOT/../shared/reference/kamailio-registrar/register.xml" -inf "$1" -i 127.0.0.1 -p "$2" \
    -r 10 -m "$3" -nostdin -recv_timeout 8000 -trace_stat -stf "$OUT/register-$2.csv" >/dev/null 2>&1)
}
register "$OUT/before.csv" 5481 30

total=$((15 + OUTAGE + AFTER))
calls=$((RATE * total))
log "load: $calls calls at $RATE/s with 3 s calls; the database goes away at 15 s for $OUTAGE s"
(cd "$OUT" && exec timeout $((total + 90)) sipp 127.0.0.1:5460 -sf "$REF/uac.xml" -s 1000 -i 127.0.0.1 -p 5480 -r "$RATE" -m "$calls" -d 3000 \
  -nostdin -trace_stat -stf "$OUT/calls.csv" -fd 1 -recv_timeout 10000 >/dev/null 2>&1) &
load=$!
# The admin writes, one every 0.5 s for the whole run: status per extension.
(n=0; while kill -0 "$load" 2>/dev/null; do
   n=$((n + 1)); ext=$((70000 + n))
   code="$(curl -s -o /dev/null -w '%{http_code}' -m 20 "${auth[@]}" -X POST "$api/api/phones" -d "{\"extension\":\"$ext\",\"password\":\"admin-$ext\"}")"
   echo "$ext $code" >>"$OUT/admin.txt"; sleep 0.5
 done) &
admin=$!
sleep 15
log "database unreachable"
relay_cut
sleep 5
register "$OUT/during.csv" 5482 20 &
sleep $((OUTAGE - 5))
log "database back"
relay_up
wait "$load" || true
wait "$admin" || true
sleep 5
curl -sf "${auth[@]}" "$api/api/channels" >"$OUT/channels.json" || true

fail=0
check() { if eval "$2"; then log "ok:   $1"; else log "FAIL: $1"; fail=1; fi; }
last() { awk -F';' -v k="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i; next } { v = $c } END { print v + 0 }' "$1"; }
ok_calls="$(last "$OUT/calls.csv" 'SuccessfulCall(C)')"
failed_calls="$(last "$OUT/calls.csv" 'FailedCall(C)')"
# The carrier log and the dialogs drain from the write-behind queues after the database returned.
for _ in $(seq 1 30); do
  rows="$(db -e "SELECT COUNT(*) FROM call_log")"; ((rows >= ok_calls)) && break; sleep 1
done
rows="$(db -e "SELECT COUNT(*) FROM call_log")"
distinct="$(db -e "SELECT COUNT(DISTINCT call_id) FROM call_log")"
dialogs="$(db -e "SELECT COUNT(*) FROM edge_dialogs")"
bindings="$(db -e "SELECT COUNT(DISTINCT extension) FROM registrations WHERE extension BETWEEN '60001' AND '60050'")"
during_ok="$(last "$OUT/register-5482.csv" 'SuccessfulCall(C)')"
in_use="$(python3 -c 'import json,sys; print(sum(t["inUse"] for t in json.load(open(sys.argv[1]))))' "$OUT/channels.json" 2>/dev/null || echo '?')"
committed=0; refused=0; odd=0; lost=0
while read -r ext code; do
  exists="$(db -e "SELECT COUNT(*) FROM phones WHERE extension = '$ext'")"
  case "$code" in
    201) committed=$((committed + 1)); ((exists == 1)) || lost=$((lost + 1)) ;;
    503) refused=$((refused + 1)); ((exists == 0)) || odd=$((odd + 1)) ;;
    *) odd=$((odd + 1)) ;;
  esac
done <"$OUT/admin.txt"

{
  echo "outage ${OUTAGE} s during ${calls} calls at ${RATE}/s: ${ok_calls} ok, ${failed_calls} failed"
  echo "call_log rows ${rows} (${distinct} distinct Call-IDs), dialog rows left ${dialogs}, channels in use ${in_use}"
  echo "bindings stored ${bindings} of 50 (the 20 registered during the outage: ${during_ok} answered 200)"
  echo "admin writes: ${committed} committed, ${refused} refused with 503, ${lost} answered 201 but missing, ${odd} other"
} | tee "$OUT/summary.txt"
check "no call failed" "((failed_calls == 0 && ok_calls == calls))"
check "every call logged exactly once" "((rows == ok_calls && distinct == ok_calls))"
check "no dialog row left, no channel charged" "((dialogs == 0)) && [[ \$in_use == 0 ]]"
check "every binding stored" "((bindings == 50 && during_ok == 20))"
check "every admin write committed or refused with 503" "((lost == 0 && odd == 0 && refused > 0))"
exit "$fail"
