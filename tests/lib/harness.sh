# Shared by the benchmark and drill scripts (sourced, after ROOT is set): the processes they start, the Debian packages
# they need, the private MariaDB of etc/dev-db.sh, free loopback ports and the CPU and memory of a process tree.
# HARNESS names the caller in log lines ("bench", "drill").

log() { printf '%s: %s\n' "${HARNESS:-harness}" "$*" >&2; }

# Background processes to stop on exit: append their pids.
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# need COMMAND=PACKAGE ...: installs each package whose command (or file, for a path) is missing, in one apt run.
need() {
  local missing=() item what
  for item in "$@"; do
    what="${item%%=*}"
    if [[ "$what" == /* ]]; then [[ -e "$what" ]] || missing+=("${item#*=}")
    else command -v "$what" >/dev/null || [[ -x "/usr/sbin/$what" ]] || missing+=("${item#*=}"); fi
  done
  if ((${#missing[@]})); then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  fi
}

# dev_db NAME: the private MariaDB with database NAME, started or reused; sets cs (its connection string) and dbport.
dev_db() {
  cs="$(DB_NAME="$1" bash "$ROOT/etc/dev-db.sh" start | tail -n1)"
  dbport="$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$cs")"
}

# sql ARGS...: the mariadb client on that server as the dev user (name the database in ARGS).
sql() {
  MYSQL_PWD=dialer "$(command -v mariadb || command -v mysql)" --no-defaults --protocol=TCP -h127.0.0.1 -P"${dbport:-3307}" -udialer "$@"
}

# SIPp's sockets get kernel queues as large as net.core.rmem_max allows (SIPp's default is 64 KiB): a carrier or the
# dialer that drops a burst would make the proxy under test look slow. Pass it as -buff_size.
SIPP_BUFFER="$(( $(cat /proc/sys/net/core/rmem_max 2>/dev/null || echo 4194304) ))"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A process and its descendants (Kamailio forks its workers, dotnet is one process); their CPU ticks; their
# proportional set size in KiB (shared memory counted once).
tree() { local pid="$1"; echo "$pid"; for c in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do tree "$c"; done; }
tree_ticks() { local t=0 p; for p in $(tree "$1"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
tree_pss() { local t=0 p; for p in $(tree "$1"); do t=$((t + $(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0))); done; echo "$t"; }

# build_dialer: the Release build of `dialer` into $OUT/dialer.
build_dialer() {
  log "building dialer serve (Release)"
  dotnet build "$ROOT/src/Dialer.Host" -c Release -nologo -v q -o "$OUT/dialer" >&2
}

# serve ADMIN_URL [NAME=VALUE ...]: `dialer serve` in the background with these extra settings, its log appended to
# $OUT/dialer.log and its pid in dpid (stopped on exit); returns once ADMIN_URL/healthz answers (20 s at most).
serve() {
  local url="$1"
  shift
  (cd "$OUT" && exec env "$@" dotnet "$OUT/dialer/dialer.dll" serve >>"$OUT/dialer.log" 2>&1) &
  dpid=$!
  pids+=("$dpid")
  for _ in $(seq 1 100); do curl -sf "$url/healthz" >/dev/null && return 0; sleep 0.2; done
  log "dialer serve did not answer on $url"
  return 1
}

# bisect NAME PID UNIT PAUSE LOW HIGH STEP: the highest rate at which the calling script's `run_rate NAME PID RATE`
# writes "pass" to $OUT/NAME-RATE.verdict, searched between LOW and HIGH to STEP (BENCH_LOW, BENCH_HIGH and
# BENCH_STEP override them), PAUSE seconds after each rate so its failures time out before the next. Its line goes to
# $OUT/summary.txt.
bisect() {
  local name="$1" pid="$2" unit="$3" pause="$4" low="${BENCH_LOW:-$5}" high="${BENCH_HIGH:-$6}" step="${BENCH_STEP:-$7}" mid best=0
  while ((high - low > step)); do
    mid=$(((low + high) / 2 / step * step))
    ((mid <= low)) && mid=$((low + step))
    ((mid >= high)) && break
    run_rate "$name" "$pid" "$mid"
    if [[ "$(cat "$OUT/$name-$mid.verdict")" == pass ]]; then best=$mid; low=$mid; else high=$mid; fi
    sleep "$pause"
  done
  printf '%-9s highest passing rate: %d %s (bisection to %d %s)\n' "$name" "$best" "$unit" "$step" "$unit" | tee -a "$OUT/summary.txt"
}

# measure_start PID PSS_FILE / measure_stop PID: around one load, the peak PSS of PID's process tree (sampled twice a
# second into PSS_FILE) and its CPU as % of one core, left in $cpu by measure_stop.
measure_start() {
  local pid="$1" file="$2"
  (peak=0; while :; do v="$(tree_pss "$pid")"; ((v > peak)) && peak=$v && echo "$peak" >"$file"; sleep 0.5; done) &
  measure_sampler=$!
  measure_ticks="$(tree_ticks "$1")"
  measure_start="$(date +%s.%N)"
}
measure_stop() {
  local after elapsed
  after="$(tree_ticks "$1")"
  elapsed="$(awk -v a="$measure_start" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')"
  kill "$measure_sampler" 2>/dev/null; wait "$measure_sampler" 2>/dev/null || true
  cpu="$(awk -v t=$((after - measure_ticks)) -v hz="$(getconf CLK_TCK)" -v e="$elapsed" 'BEGIN {printf "%d", t * 100 / hz / e}')"
}
