#!/usr/bin/env bash
# The demo carriers of `make run`: one SIPp UAS per demo trunk server (carrier-a on 5081 and 5082, carrier-b on
# 5083), answering OPTIONS probes and calls (etc/demo/carrier.xml). Pid files and logs live under var/demo.
#
#   etc/demo-carriers.sh start            start every demo carrier that is not running
#   etc/demo-carriers.sh stop [PORT ...]  stop them all, or only these ports (to watch health mark a server down)
#   etc/demo-carriers.sh status
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
RUN="$ROOT/var/demo"
PORTS=(5081 5082 5083)
mkdir -p "$RUN"

running() { [[ -f "$RUN/carrier-$1.pid" ]] && kill -0 "$(cat "$RUN/carrier-$1.pid")" 2>/dev/null; }

case "${1:-start}" in
  start)
    command -v sipp >/dev/null || bash "$ROOT/etc/test-deps.sh"
    for port in "${PORTS[@]}"; do
      if running "$port"; then continue; fi
      (cd "$RUN" && exec setsid sipp -sf "$ROOT/etc/demo/carrier.xml" -i 127.0.0.1 -p "$port" -t u1 -nostdin -bg \
        >"$RUN/carrier-$port.log" 2>&1) || true
      # -bg forks; find the daemon by its port.
      pid="$(pgrep -n -f "sipp -sf $ROOT/etc/demo/carrier.xml -i 127.0.0.1 -p $port " || true)"
      if [[ -z "$pid" ]]; then echo "demo-carriers: carrier on $port did not start (see $RUN/carrier-$port.log)" >&2; exit 1; fi
      echo "$pid" >"$RUN/carrier-$port.pid"
      echo "demo-carriers: carrier on udp 127.0.0.1:$port (pid $pid)" >&2
    done
    ;;
  stop)
    shift || true
    for port in "${@:-${PORTS[@]}}"; do
      if running "$port"; then
        kill "$(cat "$RUN/carrier-$port.pid")" && echo "demo-carriers: stopped the carrier on $port" >&2
      fi
      rm -f "$RUN/carrier-$port.pid"
    done
    ;;
  status)
    for port in "${PORTS[@]}"; do
      if running "$port"; then echo "$port running"; else echo "$port stopped"; fi
    done
    ;;
  *) echo "usage: $0 start|stop [PORT ...]|status" >&2; exit 2 ;;
esac
