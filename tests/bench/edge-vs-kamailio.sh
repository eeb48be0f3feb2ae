#!/usr/bin/env bash
# Calls per second through `dialer serve` and through Kamailio 5.6 (the reference dispatcher + dialog-profile proxy of
# ../shared/reference/kamailio), side by side on this machine, with the same SIPp dialer and carriers.
#
#   tests/bench/edge-vs-kamailio.sh [RATE ...]      default rates: 500 1000 2000 3000 4000 5000
#   BENCH_SECONDS=10 (load per rate)   BENCH_ONLY=edge|kamailio (run one side)
#
# For each rate: INVITE/100/180/200/ACK/BYE/200 with 100 ms calls, rate x BENCH_SECONDS calls, and the failed
# percentage, achieved rate, CPU (% of one core) and peak RSS of the proxy. Not part of `make test`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
REF="$(cd "$ROOT/../shared/reference/kamailio" && pwd -P)"
RATES=("${@:-500 1000 2000 3000 4000 5000}")
read -r -a RATES <<<"${RATES[*]}"
SECONDS_PER_RATE="${BENCH_SECONDS:-10}"
OUT="$ROOT/var/bench/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT/run"
log() { printf 'bench: %s\n' "$*" >&2; }

need=()
command -v sipp >/dev/null || need+=(sip-tester)
command -v kamailio >/dev/null || [[ -x /usr/sbin/kamailio ]] || need+=(kamailio)
if ((${#need[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi
KAMAILIO="$(command -v kamailio || echo /usr/sbin/kamailio)"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# The carriers of dispatcher.list (and of the edge's bench trunk): the reference SIPp UAS on :5071 and :5072.
for port in 5071 5072; do
  (cd "$OUT" && exec sipp -sf "$REF/uas.xml" -i 127.0.0.1 -p "$port" -nostdin >/dev/null 2>&1) &
  pids+=($!)
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run_ladder NAME PID: one SIPp run per rate against 127.0.0.1:5060.
run_ladder() {
  local name="$1" pid="$2" hz rate calls stats before after cpu rss
  hz="$(getconf CLK_TCK)"
  for rate in "${RATES[@]}"; do
    calls=$((rate * SECONDS_PER_RATE))
    stats="$OUT/$name-$rate.csv"
    before="$(cpu_ticks "$pid")"
    local start=$SECONDS
    (cd "$OUT" && timeout $((SECONDS_PER_RATE + 90)) sipp 127.0.0.1:5060 -sf "$REF/uac.xml" -s 1000 -i 127.0.0.1 -p 5080 \
      -r "$rate" -m "$calls" -d 100 -l $((rate * 3)) -nostdin -trace_stat -stf "$stats" -fd 1 \
      -timeout $((SECONDS_PER_RATE + 60))s >/dev/null 2>&1) || true
    after="$(cpu_ticks "$pid")"
    rss="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
    cpu=$(( (after - before) * 100 / hz / (SECONDS - start > 0 ? SECONDS - start : 1) ))
    awk -F';' -v name="$name" -v rate="$rate" -v calls="$calls" -v cpu="$cpu" -v rss="$rss" '
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      { ok = $col["SuccessfulCall(C)"]; failed = $col["FailedCall(C)"]; achieved = $col["CallRate(C)"] }
      END {
        done = ok + failed; pct = done ? 100 * failed / done : 100
        printf "%-9s %6d cps  %7d calls  %7d ok  %6d failed  %6.2f%% failed  %8.1f cps achieved  cpu %3d%%  rss %6d KiB\n",
          name, rate, calls, ok, failed, pct, achieved, cpu, rss
      }' "$stats" | tee -a "$OUT/summary.txt"
  done
}

if [[ "${BENCH_ONLY:-}" != edge ]]; then
  log "Kamailio 5.6 (4 UDP workers), reference configuration"
  (cd "$REF" && exec "$KAMAILIO" -f kamailio.cfg -DD -E -n 4 -m 4096 -M 16 -Y "$OUT/run" -P "$OUT/run/kamailio.pid" \
    -A TRUNK_CAP=100000 -A "DS_LIST=\"$REF/dispatcher.list\"" -A "CTL_SOCK=\"unix:$OUT/run/kamailio_ctl\"" >"$OUT/kamailio.log" 2>&1) &
  kpid=$!
  pids+=("$kpid")
  sleep 3
  run_ladder kamailio "$(cat "$OUT/run/kamailio.pid" 2>/dev/null || echo "$kpid")"
  kill "$kpid" 2>/dev/null || true
  wait "$kpid" 2>/dev/null || true
  sleep 2
fi

if [[ "${BENCH_ONLY:-}" != kamailio ]]; then
  log "dialer serve (Release build)"
  dotnet build "$ROOT/src/Dialer.Host" -c Release -nologo -v q -o "$OUT/dialer" >&2
  cs="$(DB_NAME=dialer_bench bash "$ROOT/etc/dev-db.sh" start | tail -n1)"
  export Dialer__Database__ConnectionString="$cs" Dialer__Secrets__KeyFile="$OUT/secrets.key" \
    Dialer__Admin__Url=http://127.0.0.1:18081 Dialer__Sip__Listen__0=udp:127.0.0.1:5060 Dialer__Sip__Listen__1=tcp:127.0.0.1:5060 \
    Dialer__Edge__DialerAcl__0=127.0.0.1/32 Logging__LogLevel__Default=Warning DIALER_ADMIN_TOKEN=bench
  dotnet "$OUT/dialer/dialer.dll" migrate >&2
  cat >"$OUT/trunk.json" <<JSON
{"name":"bench","channelCap":100000,"dialPrefix":"1","codecs":["PCMU","PCMA"],
 "servers":[{"host":"127.0.0.1","port":5071,"priority":1},{"host":"127.0.0.1","port":5072,"priority":2}]}
JSON
  dotnet "$OUT/dialer/dialer.dll" trunk apply --file "$OUT/trunk.json" >&2
  (cd "$OUT" && exec dotnet "$OUT/dialer/dialer.dll" serve >"$OUT/dialer.log" 2>&1) &
  dpid=$!
  pids+=("$dpid")
  for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18081/healthz >/dev/null && break; sleep 0.2; done
  run_ladder edge "$dpid"
  kill "$dpid" 2>/dev/null || true
  wait "$dpid" 2>/dev/null || true
fi

log "summary in $OUT/summary.txt"
cat "$OUT/summary.txt"
