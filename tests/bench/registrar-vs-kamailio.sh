#!/usr/bin/env bash
# Registrations per second through `dialer serve` and through Kamailio 5.6 as a registrar with auth_db on MariaDB (the
# reference configuration of ../shared/reference/kamailio-registrar), side by side on this machine, with the same SIPp
# scenario, the same 10,000 users and the same warm-up.
#
#   tests/bench/registrar-vs-kamailio.sh [RATE ...]   default rates: 4000 8000 12000 16000
#   BENCH_SECONDS=10 (load per rate)   BENCH_ONLY=edge|kamailio (run one side)
#   BENCH_BISECT=1: instead of the rates, find each side's highest passing rate (< 0.1 % failed, >= 95 % of the offered
#   rate achieved) by bisection between BENCH_LOW=2000 and BENCH_HIGH=20000 reg/s, to BENCH_STEP=500 reg/s.
#
# Each "call" is REGISTER -> 401 -> REGISTER with digest -> 200 for the next of 10,000 users (100000..109999, password
# pw<user>), all from one address and port, as a call centre behind one NAT. The 10,000 phones are created through the
# admin API; a warm-up registers each once at 1,000/s, so every measured REGISTER refreshes an existing binding. The
# edge exempts 127.0.0.1 from its flood limiter (Edge:Flood:Exempt, as for a call centre's NAT address); Kamailio's
# reference has no pike. Prints failed %, achieved rate, CPU (% of one core) and peak PSS per rate, and how many of the
# edge's bindings reached MariaDB. Not part of `make test`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
REF="$(cd "$ROOT/../shared/reference/kamailio-registrar" && pwd -P)"
RATES=("${@:-4000 8000 12000 16000}")
read -r -a RATES <<<"${RATES[*]}"
SECONDS_PER_RATE="${BENCH_SECONDS:-10}"
OUT="$ROOT/var/bench/registrar-$(date +%Y%m%d-%H%M%S)"
PORT=5260
mkdir -p "$OUT/run"
HARNESS=bench
source "$ROOT/tests/lib/harness.sh"
need sipp=sip-tester kamailio=kamailio /usr/share/kamailio/mysql/auth_db-create.sql=kamailio-mysql-modules
KAMAILIO="$(command -v kamailio || echo /usr/sbin/kamailio)"

dev_db dialer_regbench

# The users: Kamailio's subscriber table (from the reference generator) and SIPp's injection file.
(cd "$OUT" && python3 "$REF/gen_users.py")
USERS="$OUT/users.csv"


register() { # RATE CALLS DIR [stats]
  local rate="$1" calls="$2" dir="$3"
  mkdir -p "$dir"
  (cd "$dir" && timeout $((calls / rate + 60)) sipp 127.0.0.1:$PORT -sf "$REF/register.xml" -inf "$USERS" -i 127.0.0.1 -p 5280 \
    -r "$rate" -m "$calls" -l $((rate * 2)) -nostdin -recv_timeout 8000 -buff_size "$SIPP_BUFFER" ${4:+-trace_stat -stf "$4" -fd 1} \
    >/dev/null 2>&1) || true
}

run_ladder() { # NAME PID
  local name="$1" pid="$2" rate
  register 1000 10000 "$OUT/$name-warmup"
  sleep 2
  if [[ -n "${BENCH_BISECT:-}" ]]; then
    bisect "$name" "$pid" reg/s 9 2000 20000 500 # the registrations of a failed rate time out (8 s)
    return
  fi
  for rate in "${RATES[@]}"; do
    run_rate "$name" "$pid" "$rate"
  done
}

run_rate() { # NAME PID RATE: one SIPp run, its line in the summary and its verdict in $OUT/NAME-RATE.verdict
  local name="$1" pid="$2" rate="$3" calls stats cpu
  calls=$((rate * SECONDS_PER_RATE))
  stats="$OUT/$name-$rate.csv"
  measure_start "$pid" "$OUT/$name-$rate.pss"
  register "$rate" "$calls" "$OUT/$name-$rate" "$stats"
  measure_stop "$pid"
  awk -F';' -v name="$name" -v rate="$rate" -v calls="$calls" -v cpu="$cpu" -v pss="$(cat "$OUT/$name-$rate.pss" 2>/dev/null || echo 0)" \
    -v verdict="$OUT/$name-$rate.verdict" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    # Achieved rate: the mean of the one-second periods in which SIPp was registering, without the first and the last
    # (partial) ones.
    $col["OutgoingCall(P)"] > 0 { period[placing++] = $col["OutgoingCall(P)"] }
    { ok = $col["SuccessfulCall(C)"]; failed = $col["FailedCall(C)"]; placed = $col["OutgoingCall(C)"] }
    END {
      done = ok + failed; pct = done ? 100 * failed / done : 100
      if (placing > 2) { for (i = 1; i < placing - 1; i++) steady += period[i]; achieved = steady / (placing - 2) }
      else { achieved = placing ? placed / placing : 0 }
      printf "%-9s %6d reg/s offered %7d registrations %7d ok %6d failed %6.2f%%  %6.0f reg/s placed  cpu %3d%%  pss %6d KiB\n",
        name, rate, calls, ok, failed, pct, achieved, cpu, pss
      printf "%s\n", (pct < 0.1 && achieved >= 0.95 * rate) ? "pass" : "fail" > verdict
    }' "$stats" | tee -a "$OUT/summary.txt"
}

if [[ "${BENCH_ONLY:-}" != edge ]]; then
  log "Kamailio 5.6 registrar (4 UDP workers), auth_db on MariaDB port ${dbport:-3307}"
  sql -e "DROP DATABASE IF EXISTS kamailio" >&2
  sql <"$OUT/users.sql" >&2
  (cd "$REF" && exec "$KAMAILIO" -DD -E -f registrar.cfg -m 256 -M 16 -Y "$OUT/run" -P "$OUT/run/kamailio.pid" -A WORKERS=4 \
    -A "CTLSOCK=\"unix:$OUT/run/kamailio_ctl\"" -A "DBURL=\"mysql://kamailio:kamailiorw@127.0.0.1:${dbport:-3307}/kamailio\"" \
    >"$OUT/kamailio.log" 2>&1) &
  kpid=$!
  pids+=("$kpid")
  sleep 3
  run_ladder kamailio "$(cat "$OUT/run/kamailio.pid" 2>/dev/null || echo "$kpid")"
  kill "$kpid" 2>/dev/null || true
  wait "$kpid" 2>/dev/null || true
  sleep 2
fi

if [[ "${BENCH_ONLY:-}" != kamailio ]]; then
  build_dialer
  export Dialer__Database__ConnectionString="$cs" Dialer__Secrets__KeyFile="$OUT/secrets.key" \
    Dialer__Admin__Url=http://127.0.0.1:18082 Dialer__Sip__Listen__0=udp:127.0.0.1:$PORT \
    Dialer__Edge__Flood__Exempt__0=127.0.0.1/32 Logging__LogLevel__Default=Warning DIALER_ADMIN_TOKEN=bench
  dotnet "$OUT/dialer/dialer.dll" migrate >&2
  sql dialer_regbench -e "DELETE FROM registrations; DELETE FROM edge_dialogs" >&2
  serve http://127.0.0.1:18082
  # The 10,000 phones, through the admin API (an existing one is replaced).
  python3 - "$USERS" <<'PY' >&2
import http.client, json, sys, threading
users = [line.split(';')[:2] for line in open(sys.argv[1]).read().splitlines()[1:]]
def create(part):
    api = http.client.HTTPConnection('127.0.0.1', 18082)
    headers = {'Authorization': 'Bearer bench', 'Content-Type': 'application/json'}
    for user, password in part:
        api.request('PUT', f'/api/phones/{user}', json.dumps({'extension': user, 'password': password}), headers)
        r = api.getresponse(); r.read()
        if r.status == 404:
            api.request('POST', '/api/phones', json.dumps({'extension': user, 'password': password}), headers)
            r = api.getresponse(); r.read()
        if r.status >= 300:
            sys.exit(f'phone {user}: HTTP {r.status}')
threads = [threading.Thread(target=create, args=(users[i::4],)) for i in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(f'bench: {len(users)} phones created through the API')
PY
  sleep 5 # the edge's peer snapshot picks them up
  run_ladder edge "$dpid"
  sleep 3
  stored="$(sql -N dialer_regbench -e "SELECT COUNT(*) FROM registrations" 2>/dev/null || echo '?')"
  echo "edge      bindings stored in MariaDB: $stored of 10000 phones" | tee -a "$OUT/summary.txt"
  kill "$dpid" 2>/dev/null || true
  wait "$dpid" 2>/dev/null || true
fi

log "summary in $OUT/summary.txt"
cat "$OUT/summary.txt"
