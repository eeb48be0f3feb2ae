#!/usr/bin/env bash
# Calls per second through one `dialer serve` alone and through two clustered nodes on one MariaDB (Dialer:Cluster,
# channel grants in channel_leases), in one run, with the same SIPp dialer, carriers and trunk cap.
#
#   tests/bench/cluster-vs-one.sh [RATE ...]      total offered rates; default 500 1000 1500 2000
#   BENCH_SECONDS=10 (load per rate)   BENCH_CAP=1000 (the trunk's channel cap, so grants grow and shrink)
#   BENCH_CLUSTER=0: the two nodes run unclustered (each admits within the whole cap): a control that tells what two
#   processes on these cores cost from what the grants cost.   BENCH_SKIP_ONE=1: only the two nodes.
#
# "one" is a single unclustered edge on :5060 taking the whole rate. "two" is nodes A (:5060) and B (:5062), each
# taking half of it from its own SIPp dialer at the same time; both admit within the one cap through their grants.
# Per rate and side: calls, ok, 503, failed (< 0.1 % passes), the rate achieved, the CPU (% of one core) and peak PSS
# of the edge processes together. On one machine the nodes share its cores with the dialers and carriers, so this
# measures what clustering costs a node, not what a second machine would add. Not part of `make test`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
REF="$(cd "$ROOT/../shared/reference/kamailio" && pwd -P)"
RATES=("${@:-500 1000 1500 2000}")
read -r -a RATES <<<"${RATES[*]}"
SECONDS_PER_RATE="${BENCH_SECONDS:-10}"
CAP="${BENCH_CAP:-1000}"
OUT="$ROOT/var/bench/cluster-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
HARNESS=bench
source "$ROOT/tests/lib/harness.sh"
need sipp=sip-tester

# The carriers of the bench trunk: the reference SIPp UAS on :5071 and :5072.
start_carriers() {
  local port
  for port in 5071 5072; do
    (cd "$OUT" && exec sipp -sf "$REF/uas.xml" -i 127.0.0.1 -p "$port" -buff_size "$SIPP_BUFFER" -nostdin >/dev/null 2>&1) &
    pids+=($!)
  done
  sleep 1
}

# dial PORT RATE CALLS DIR [LOCAL_PORT]: one SIPp dialer against the edge at PORT, its statistics in DIR.
dial() {
  local port="$1" rate="$2" calls="$3" dir="$4" local_port="${5:-5080}"
  mkdir -p "$dir"
  (cd "$dir" && timeout $((SECONDS_PER_RATE + 90)) sipp "127.0.0.1:$port" -sf "$REF/uac.xml" -s 1000 -i 127.0.0.1 -p "$local_port" \
    -r "$rate" -m "$calls" -d 100 -l $((rate * 3)) -buff_size "$SIPP_BUFFER" -nostdin -trace_stat -stf "$dir/stats.csv" -fd 1 \
    -recv_timeout 10000 -timeout $((SECONDS_PER_RATE + 60))s >/dev/null 2>&1) || true
}

# warm_up PORT...: 5 s at 500 cps per node, not counted, so the JIT has compiled the hot path.
warm_up() {
  local port n=0
  for port in "$@"; do
    # The dialer's own port is counted here: an n++ inside the backgrounded command would count in its subshell only.
    dial "$port" 500 2500 "$OUT/warmup-$port" $((5090 + n)) &
    n=$((n + 1))
    dialers+=($!)
  done
  wait_dialers
  sleep 2
}
dialers=()
wait_dialers() { wait "${dialers[@]}" 2>/dev/null || true; dialers=(); }

# run_rate NAME RATE PID PORT...: the rate split evenly over the nodes' ports, one dialer each, at the same time.
run_rate() {
  local name="$1" rate="$2" pid_list="$3" hz start elapsed before after cpu sampler n=0 port share
  shift 3
  hz="$(getconf CLK_TCK)"
  share=$((rate / $#))
  (peak=0; while :; do v=0; for p in $pid_list; do v=$((v + $(tree_pss "$p"))); done; ((v > peak)) && peak=$v && echo "$peak" >"$OUT/$name-$rate.pss"; sleep 0.5; done) &
  sampler=$!
  before=0; for p in $pid_list; do before=$((before + $(tree_ticks "$p"))); done
  start="$(date +%s.%N)"
  for port in "$@"; do
    dial "$port" "$share" $((share * SECONDS_PER_RATE)) "$OUT/$name-$rate/$port" $((5080 + n)) &
    n=$((n + 1))
    dialers+=($!)
  done
  wait_dialers
  after=0; for p in $pid_list; do after=$((after + $(tree_ticks "$p"))); done
  elapsed="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')"
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  cpu="$(awk -v t=$((after - before)) -v hz="$hz" -v e="$elapsed" 'BEGIN {printf "%d", t * 100 / hz / e}')"
  # Each dialer's last line: its cumulative counts; achieved = the mean of its full one-second periods, summed.
  for port in "$@"; do
    awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      $col["OutgoingCall(P)"] > 0 { period[placing++] = $col["OutgoingCall(P)"] }
      { ok = $col["SuccessfulCall(C)"]; failed = $col["FailedCall(C)"] }
      END { if (placing > 2) { for (i = 1; i < placing - 1; i++) steady += period[i]; achieved = steady / (placing - 2) }
            printf "%d %d %.0f\n", ok, failed, achieved }' "$OUT/$name-$rate/$port/stats.csv"
  done | awk -v name="$name" -v rate="$rate" -v nodes="$#" -v cpu="$cpu" -v pss="$(cat "$OUT/$name-$rate.pss" 2>/dev/null || echo 0)" '
    { ok += $1; failed += $2; achieved += $3 }
    END { done = ok + failed; pct = done ? 100 * failed / done : 100
          printf "%-4s %d node(s) %5d cps offered %6d ok %5d failed %6.2f%% %s  %6.0f cps placed  cpu %3d%%  pss %7d KiB\n",
            name, nodes, rate, ok, failed, pct, (pct < 0.1 && achieved >= 0.95 * rate) ? "pass" : "FAIL", achieved, cpu, pss }' | tee -a "$OUT/summary.txt"
}

build_dialer
dev_db dialer_bench_cluster
head -c 32 /dev/urandom | base64 >"$OUT/secrets.key"
chmod 600 "$OUT/secrets.key"
export Dialer__Database__ConnectionString="$cs" Dialer__Secrets__KeyFile="$OUT/secrets.key" \
  Dialer__Edge__DialerAcl__0=127.0.0.1/32 Logging__LogLevel__Default=Warning DIALER_ADMIN_TOKEN=bench
dotnet "$OUT/dialer/dialer.dll" migrate >&2
sql dialer_bench_cluster -e "DELETE FROM edge_dialogs; DELETE FROM call_log; DELETE FROM registrations; DELETE FROM channel_leases; DELETE FROM edge_nodes; DELETE FROM dialog_ends" >&2
cat >"$OUT/trunk.json" <<JSON
{"name":"bench","channelCap":$CAP,"dialPrefix":"1","codecs":["PCMU","PCMA"],
 "servers":[{"host":"127.0.0.1","port":5071,"priority":1},{"host":"127.0.0.1","port":5072,"priority":2}]}
JSON
dotnet "$OUT/dialer/dialer.dll" trunk apply --file "$OUT/trunk.json" >&2
start_carriers

if [[ -z "${BENCH_SKIP_ONE:-}" ]]; then
log "one edge alone"
serve http://127.0.0.1:18081 Dialer__Admin__Url=http://127.0.0.1:18081 Dialer__Sip__Listen__0=udp:127.0.0.1:5060 Dialer__Sip__Listen__1=tcp:127.0.0.1:5060
one=$dpid
warm_up 5060
for rate in "${RATES[@]}"; do run_rate one "$rate" "$one" 5060; sleep 3; done
kill "$one"; wait "$one" 2>/dev/null || true
sleep 2
fi

two=two
cluster=(Dialer__Cluster__Enabled=true Dialer__Cluster__HeartbeatMs=1000 Dialer__Cluster__DeadAfterSeconds=5)
if [[ "${BENCH_CLUSTER:-1}" == 0 ]]; then two=pair; cluster=(Dialer__Cluster__Enabled=false); fi
log "two nodes ($two: ${cluster[*]})"
serve http://127.0.0.1:18081 "${cluster[@]}" Dialer__Cluster__NodeId=bench-a Dialer__Admin__Url=http://127.0.0.1:18081 Dialer__Sip__Listen__0=udp:127.0.0.1:5060 Dialer__Sip__Listen__1=tcp:127.0.0.1:5060
a=$dpid
serve http://127.0.0.1:18082 "${cluster[@]}" Dialer__Cluster__NodeId=bench-b Dialer__Admin__Url=http://127.0.0.1:18082 Dialer__Sip__Listen__0=udp:127.0.0.1:5062 Dialer__Sip__Listen__1=tcp:127.0.0.1:5062
b=$dpid
warm_up 5060 5062
for rate in "${RATES[@]}"; do run_rate "$two" "$rate" "$a $b" 5060 5062; sleep 3; done

log "summary in $OUT/summary.txt"
cat "$OUT/summary.txt"
