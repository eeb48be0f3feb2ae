#!/usr/bin/env bash
# Calls per second through `dialer serve` and through Kamailio 5.6 (the reference dispatcher + dialog-profile proxy of
# ../shared/reference/kamailio), side by side on this machine, with the same SIPp dialer and carriers.
#
#   tests/bench/edge-vs-kamailio.sh [RATE ...]      default rates: 2000 2500 3000 3500 4000 4500 5000
#   BENCH_SECONDS=10 (load per rate)   BENCH_ONLY=edge|kamailio (run one side)
#   BENCH_BISECT=1: instead of the rates, find each side's highest passing rate (< 0.1 % failed, >= 95 % of the offered
#   rate achieved) by bisection between BENCH_LOW=1000 and BENCH_HIGH=8000 cps, to BENCH_STEP=250 cps.
#   BENCH_CAP=N: the trunk's channel cap (default none). With a cap, calls refused with 503 are counted apart, and
#   the carriers log INVITE/BYE arrivals so the script prints their exact peak concurrency.
#
# For each rate: INVITE/100/180/200/ACK/BYE/200 with 100 ms calls, rate x BENCH_SECONDS calls, and the failed
# percentage, achieved rate, CPU (% of one core) and peak PSS of the proxy, and the datagrams the kernel dropped at
# proxy/carrier 5071/carrier 5072 sockets during the rate. Not part of `make test`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
REF="$(cd "$ROOT/../shared/reference/kamailio" && pwd -P)"
RATES=("${@:-2000 2500 3000 3500 4000 4500 5000}")
read -r -a RATES <<<"${RATES[*]}"
SECONDS_PER_RATE="${BENCH_SECONDS:-10}"
CAP="${BENCH_CAP:-100000}"
OUT="$ROOT/var/bench/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT/run"
HARNESS=bench
source "$ROOT/tests/lib/harness.sh"
need sipp=sip-tester kamailio=kamailio
KAMAILIO="$(command -v kamailio || echo /usr/sbin/kamailio)"

# The carriers of dispatcher.list (and of the edge's bench trunk): the reference SIPp UAS on :5071 and :5072. With a
# cap they log INVITE and BYE arrival times, from which the carrier's exact peak concurrency is computed.
carriers=()
start_carriers() {
  local name="$1" port
  for port in 5071 5072; do
    if ((CAP < 100000)); then
      (cd "$OUT" && exec sipp -sf "$REF/uas.xml" -i 127.0.0.1 -p "$port" -buff_size "$SIPP_BUFFER" -nostdin -trace_logs -log_file "$OUT/$name-carrier-$port.log" >/dev/null 2>&1) &
    else
      (cd "$OUT" && exec sipp -sf "$REF/uas.xml" -i 127.0.0.1 -p "$port" -buff_size "$SIPP_BUFFER" -nostdin >/dev/null 2>&1) &
    fi
    carriers+=($!)
    pids+=($!)
  done
  sleep 1
}
stop_carriers() {
  local name="$1"
  kill "${carriers[@]}" 2>/dev/null || true
  wait "${carriers[@]}" 2>/dev/null || true
  carriers=()
  if ((CAP < 100000)); then
    cat "$OUT/$name"-carrier-*.log 2>/dev/null | awk '$1 == "INV" { print $2 * 1000000 + $3, 1 } $1 == "BYE" { print $2 * 1000000 + $3, -1 }' \
      | sort -n -k1,1 -k2,2n | awk -v name="$name" -v cap="$CAP" '{ n += $2; if (n > peak) peak = n } END {
          printf "%-9s carrier peak %d concurrent calls with cap %d\n", name, peak, cap }' | tee -a "$OUT/summary.txt"
  fi
}


# Datagrams the kernel dropped at each UDP socket of the run (proxy 5060, carriers 5071/5072; the dialer's
# socket lives only while its SIPp runs, whose retransmissions tell instead), summed
# over IPv4 and IPv6: the last column of /proc/net/udp{,6}, cumulative per socket while it lives.
udp_drops() {
  awk 'FNR > 1 { split($2, a, ":"); d[a[2]] += $NF } END { printf "%d %d %d", d["13C4"], d["13CF"], d["13D0"] }' /proc/net/udp /proc/net/udp6
}

# warm_up: 5 s at 1,000 cps, not counted, so the .NET JIT has compiled the hot path (Kamailio gets the same run).
warm_up() {
  (cd "$OUT" && timeout 60 sipp 127.0.0.1:5060 -sf "$REF/uac.xml" -s 1000 -i 127.0.0.1 -p 5080 -r 1000 -m 5000 -d 100 \
    -buff_size "$SIPP_BUFFER" -nostdin -recv_timeout 10000 -timeout 40s >/dev/null 2>&1) || true
  sleep 2
}

# run_ladder NAME PID: one SIPp run per rate against 127.0.0.1:5060, after a warm-up.
run_ladder() {
  local name="$1" pid="$2" rate
  warm_up
  if [[ -n "${BENCH_BISECT:-}" ]]; then
    bisect "$name" "$pid" cps 5 1000 8000 250 # the calls of a failed rate time out before the next one
    return
  fi
  for rate in "${RATES[@]}"; do
    run_rate "$name" "$pid" "$rate"
  done
}

# run_rate NAME PID RATE: one SIPp run at RATE, its line in the summary and its verdict in $OUT/NAME-RATE.verdict.
run_rate() {
  local name="$1" pid="$2" rate="$3" calls stats cpu refused drops i p99
  {
    calls=$((rate * SECONDS_PER_RATE))
    stats="$OUT/$name-$rate.csv"
    # Peak PSS and CPU of the proxy while the load runs.
    measure_start "$pid" "$OUT/$name-$rate.pss"
    read -r -a drops_before <<<"$(udp_drops)"
    mkdir -p "$OUT/$name-$rate"
    (cd "$OUT/$name-$rate" && timeout $((SECONDS_PER_RATE + 90)) sipp 127.0.0.1:5060 -sf "$REF/uac.xml" -s 1000 -i 127.0.0.1 -p 5080 \
      -r "$rate" -m "$calls" -d 100 -l $((rate * 3)) -buff_size "$SIPP_BUFFER" -nostdin -trace_stat -stf "$stats" -fd 1 -trace_counts -trace_rtt -rtt_freq 100 -recv_timeout 10000 \
      -timeout $((SECONDS_PER_RATE + 60))s >/dev/null 2>&1) || true
    measure_stop "$pid"
    read -r -a drops_after <<<"$(udp_drops)"
    drops=""
    for i in 0 1 2; do drops+="$((drops_after[i] - drops_before[i]))/"; done
    # Calls the proxy refused with 503 end on the scenario's "rejected" branch, which SIPp counts as successful.
    # p99 of INVITE sent -> 200 received (the scenario's response time 1) over the rate's calls, in ms.
    p99="$(cat "$OUT/$name-$rate"/*_rtt.csv 2>/dev/null | awk -F';' '$3 == 1 { print $2 }' | sort -n | awk '{ v[n++] = $1 } END { print n ? v[int(n * 0.99)] : 0 }')"
    refused="$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /_503_Recv$/) c = i; next } { v = $c } END { print v + 0 }' "$OUT/$name-$rate"/*_counts.csv 2>/dev/null || echo 0)"
    awk -F';' -v name="$name" -v rate="$rate" -v calls="$calls" -v cpu="$cpu" -v refused="${refused:-0}" -v pss="$(cat "$OUT/$name-$rate.pss" 2>/dev/null || echo 0)" -v drops="${drops%/}" -v verdict="$OUT/$name-$rate.verdict" -v p99="$p99" '
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      # Achieved rate: the mean of the one-second periods in which SIPp was placing calls, without the first and the
      # last (partial) ones.
      $col["OutgoingCall(P)"] > 0 { period[placing++] = $col["OutgoingCall(P)"] }
      { ok = $col["SuccessfulCall(C)"]; failed = $col["FailedCall(C)"]; placed = $col["OutgoingCall(C)"]
        unexpected = $col["FailedUnexpectedMessage(C)"]; timeouts = $col["FailedTimeoutOnRecv(C)"] + $col["FailedMaxUDPRetrans(C)"] }
      END {
        done = ok + failed; pct = done ? 100 * failed / done : 100; ok -= refused
        if (placing > 2) { for (i = 1; i < placing - 1; i++) steady += period[i]; achieved = steady / (placing - 2) }
        else { achieved = placing ? placed / placing : 0 }
        printf "%-9s %5d cps offered %6d calls %6d ok %6d 503 %5d failed (%d unexpected, %d timeout) %6.2f%%  %6.0f cps placed  cpu %3d%%  pss %6d KiB  p99 %s ms  drops %s\n",
          name, rate, calls, ok, refused, failed, unexpected, timeouts, pct, achieved, cpu, pss, p99, drops
        # The pass rule of bisection: under 0.1 % failed and at least 95 % of the offered rate achieved.
        printf "%s\n", (pct < 0.1 && achieved >= 0.95 * rate) ? "pass" : "fail" > verdict
      }' "$stats" | tee -a "$OUT/summary.txt"
  }
}

if [[ "${BENCH_ONLY:-}" != edge ]]; then
  log "Kamailio 5.6 (4 UDP workers), reference configuration"
  # -b: Kamailio may grow its UDP receive queue as far as the OS allows (its default stops at 256 KiB, where it drops
  # SIPp's bursts on a busy machine while the edge asks for 16 MiB): the same footing as the edge and SIPp.
  (cd "$REF" && exec "$KAMAILIO" -f kamailio.cfg -DD -E -n 4 -m 4096 -M 16 -b "$SIPP_BUFFER" -Y "$OUT/run" -P "$OUT/run/kamailio.pid" \
    -A "TRUNK_CAP=$CAP" -A "DS_LIST=\"$REF/dispatcher.list\"" -A "CTL_SOCK=\"unix:$OUT/run/kamailio_ctl\"" >"$OUT/kamailio.log" 2>&1) &
  kpid=$!
  pids+=("$kpid")
  sleep 3
  start_carriers kamailio
  run_ladder kamailio "$(cat "$OUT/run/kamailio.pid" 2>/dev/null || echo "$kpid")"
  stop_carriers kamailio
  kill "$kpid" 2>/dev/null || true
  wait "$kpid" 2>/dev/null || true
  sleep 2
fi

if [[ "${BENCH_ONLY:-}" != kamailio ]]; then
  build_dialer
  dev_db dialer_bench
  export Dialer__Database__ConnectionString="$cs" Dialer__Secrets__KeyFile="$OUT/secrets.key" \
    Dialer__Admin__Url=http://127.0.0.1:18081 Dialer__Sip__Listen__0=udp:127.0.0.1:5060 Dialer__Sip__Listen__1=tcp:127.0.0.1:5060 \
    Dialer__Edge__DialerAcl__0=127.0.0.1/32 Logging__LogLevel__Default=Warning DIALER_ADMIN_TOKEN=bench
  dotnet "$OUT/dialer/dialer.dll" migrate >&2
  # Every run starts from an empty edge: no dialogs a previous run left stored (they would be restored, holding
  # channels, timers and memory), no carrier log, no bindings.
  sql dialer_bench -e "DELETE FROM edge_dialogs; DELETE FROM call_log; DELETE FROM registrations" >&2
  cat >"$OUT/trunk.json" <<JSON
{"name":"bench","channelCap":$CAP,"dialPrefix":"1","codecs":["PCMU","PCMA"],
 "servers":[{"host":"127.0.0.1","port":5071,"priority":1},{"host":"127.0.0.1","port":5072,"priority":2}]}
JSON
  dotnet "$OUT/dialer/dialer.dll" trunk apply --file "$OUT/trunk.json" >&2
  serve http://127.0.0.1:18081
  start_carriers edge
  run_ladder edge "$dpid"
  stop_carriers edge
  kill "$dpid" 2>/dev/null || true
  wait "$dpid" 2>/dev/null || true
fi

log "summary in $OUT/summary.txt"
cat "$OUT/summary.txt"
