#!/usr/bin/env bash
# Private MariaDB instance for development and tests of this checkout.
#
#   etc/dev-db.sh start    start (or reuse) the server, print the connection string
#   etc/dev-db.sh stop     stop this checkout's server
#   etc/dev-db.sh status   print running/stopped (+ connection string); exit 3 if stopped
#
# `start` prints progress on stderr and the ADO.NET connection string as its
# LAST stdout line, so `cs="$(etc/dev-db.sh start | tail -n1)"` works.
# Settings: etc/dev-db.conf, overridable by DB_PORT/DB_NAME/DB_USER/DB_PASSWORD.
set -euo pipefail

# Resolve the checkout from the script's own location so any cwd works.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
CONF="$ROOT/etc/dev-db.conf"

# Environment wins over the config file: remember non-empty values, source, restore.
VARS=(DB_PORT DB_NAME DB_USER DB_PASSWORD)
for v in "${VARS[@]}"; do printf -v "_env_$v" '%s' "${!v:-}"; done
if [[ -f "$CONF" ]]; then
  # shellcheck source=dev-db.conf
  source "$CONF"
fi
for v in "${VARS[@]}"; do
  o="_env_$v"
  if [[ -n "${!o}" ]]; then printf -v "$v" '%s' "${!o}"; fi
done
: "${DB_PORT:=3307}" "${DB_NAME:=dialer}" "${DB_USER:=dialer}" "${DB_PASSWORD:=dialer}"

VAR="$ROOT/var/mariadb"
DATA="$VAR/data"
SOCK="$VAR/mysqld.sock"
PIDFILE="$VAR/mysqld.pid"
LOG="$VAR/mysqld.log"
PORTFILE="$VAR/port"
LOCK="$VAR/lock"
ME="$(id -un)"

log() { printf 'dev-db: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

conn_string() {
  printf 'Server=127.0.0.1;Port=%s;Database=%s;User ID=%s;Password=%s;SslMode=None\n' \
    "$1" "$DB_NAME" "$DB_USER" "$DB_PASSWORD"
}

[[ "$DB_PORT" =~ ^[0-9]+$ ]] || die "DB_PORT must be a number (got '$DB_PORT')"

# Locate a program by any of its names; sbin dirs are often not on a user's PATH.
find_bin() {
  local n d
  for n in "$@"; do
    if command -v "$n" >/dev/null 2>&1; then command -v "$n"; return 0; fi
    for d in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
      if [[ -x "$d/$n" ]]; then echo "$d/$n"; return 0; fi
    done
  done
  return 1
}

ensure_installed() {
  if ! find_bin mariadbd >/dev/null; then
    log "mariadbd not found; installing mariadb-server with apt"
    local sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
      command -v sudo >/dev/null 2>&1 || die "not root and no sudo; install mariadb-server manually"
      sudo=(sudo)
    fi
    # apt output goes to stderr so stdout stays just the connection string.
    "${sudo[@]}" apt-get update >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y mariadb-server >&2
  fi
  resolve_bins
}

resolve_bins() {
  MARIADBD="$(find_bin mariadbd)" || die "mariadbd not found"
  CLIENT="$(find_bin mariadb mysql)" || die "mariadb client not found"
  ADMIN="$(find_bin mariadb-admin mysqladmin)" || die "mariadb-admin not found"
  INSTALL_DB="$(find_bin mariadb-install-db mysql_install_db)" || die "mariadb-install-db not found"
}

# Serialise start/stop within this checkout (fd 9 is closed in the daemon).
take_lock() {
  mkdir -p "$VAR"
  exec 9>"$LOCK"
  if ! flock -n 9; then
    log "waiting for another dev-db.sh in this checkout"
    flock -w 300 9 || die "timed out waiting for $LOCK"
  fi
}

# Pid of this checkout's live server, from the pid file. The datadir check
# guards against the pid having been reused by an unrelated process.
our_pid() {
  local pid
  [[ -f "$PIDFILE" ]] || return 1
  pid="$(tr -dc '0-9' <"$PIDFILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "--datadir=$DATA" || return 1
  echo "$pid"
}

# Root is authenticated by unix_socket as the OS user (see mariadb-install-db).
ping_socket() {
  [[ -S "$SOCK" ]] && "$ADMIN" --no-defaults --socket="$SOCK" -u"$ME" --connect-timeout=2 ping >/dev/null 2>&1
}

root_sql() {
  "$CLIENT" --no-defaults --socket="$SOCK" -u"$ME" --batch "$@"
}

# Does anything accept TCP connections on 127.0.0.1:$1?
tcp_in_use() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null
}

# Run SQL (default SELECT 1) over TCP as DB_USER; used to vet a foreign server.
tcp_sql() {
  "$CLIENT" --no-defaults --protocol=TCP -h127.0.0.1 -P"$1" -u"$DB_USER" --password="$DB_PASSWORD" \
    --connect-timeout=5 --batch --skip-column-names -e "${2:-SELECT 1}" >/dev/null 2>&1
}

# SQL quoting for values taken from the config.
sql_str() { local s="${1//\\/\\\\}"; s="${s//\'/\\\'}"; printf "'%s'" "$s"; }
sql_ident() { printf '`%s`' "${1//\`/\`\`}"; }

create_db_sql() {
  printf 'CREATE DATABASE IF NOT EXISTS %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci' "$(sql_ident "$DB_NAME")"
}

# Idempotent: database plus a grant-all user (tests create/drop their own DBs).
# --skip-name-resolve means TCP clients match '127.0.0.1', socket clients 'localhost'.
provision() {
  local u pw h
  u="$(sql_str "$DB_USER")"; pw="$(sql_str "$DB_PASSWORD")"
  {
    echo "$(create_db_sql);"
    for h in "'127.0.0.1'" "'localhost'"; do
      echo "CREATE USER IF NOT EXISTS $u@$h IDENTIFIED BY $pw;"
      # ALTER keeps the password in sync if DB_PASSWORD was changed.
      echo "ALTER USER $u@$h IDENTIFIED BY $pw;"
      echo "GRANT ALL PRIVILEGES ON *.* TO $u@$h WITH GRANT OPTION;"
    done
  } | root_sql || die "could not create database/user (see messages above)"
}

init_datadir() {
  [[ -d "$DATA/mysql" ]] && return 0
  log "initialising $DATA"
  rm -rf "$DATA"
  mkdir -p "$DATA"
  if ! "$INSTALL_DB" --no-defaults --datadir="$DATA" --user="$ME" \
      --auth-root-authentication-method=socket --auth-root-socket-user="$ME" \
      --skip-test-db >>"$LOG" 2>&1; then
    rm -rf "$DATA"   # a half-initialised dir would be mistaken for a good one
    tail -n 30 "$LOG" >&2
    die "mariadb-install-db failed (log: $LOG)"
  fi
}

# Start mariadbd on port $1, fully detached: own session, stdin /dev/null,
# output to the log and every other inherited fd closed, so make/CI harnesses
# waiting on their pipes (and our flock fd) are not held open by the daemon.
launch() {
  local port="$1"
  (
    for fd in /proc/self/fd/*; do
      fd="${fd##*/}"
      if (( fd > 2 )); then eval "exec $fd>&-"; fi
    done
    cd /
    exec setsid nohup "$MARIADBD" --no-defaults \
      --datadir="$DATA" --socket="$SOCK" --pid-file="$PIDFILE" --log-error="$LOG" \
      --port="$port" --bind-address=127.0.0.1 \
      --user="$ME" --skip-name-resolve \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --skip-log-bin --innodb-buffer-pool-size=128M --max-connections=500 \
      --innodb-flush-log-at-trx-commit=2 \
      </dev/null >>"$LOG" 2>&1
  ) &
  LAUNCHED=$!
}

# Wait up to ~60 s for the server to answer on its socket.
wait_ready() {
  local i
  for ((i = 0; i < 120; i++)); do
    if ping_socket; then return 0; fi
    # setsid may fork, so also accept a live pid from the pid file.
    if ! kill -0 "$LAUNCHED" 2>/dev/null && ! our_pid >/dev/null; then return 1; fi
    sleep 0.5
  done
  return 1
}

cmd_start() {
  ensure_installed
  # Unix socket paths are limited to 107 bytes.
  (( ${#SOCK} <= 107 )) || die "socket path too long (${#SOCK} > 107): $SOCK; use a shorter checkout path"
  take_lock

  local pid port
  if pid="$(our_pid)"; then
    port="$(cat "$PORTFILE" 2>/dev/null || true)"
    LAUNCHED="$pid"
    wait_ready || die "server pid $pid does not answer on $SOCK (log: $LOG); try: $0 stop"
    provision
    log "reusing running server (pid $pid, port $port)"
    conn_string "$port"
    return 0
  fi
  if [[ -e "$PIDFILE" ]]; then
    log "removing stale pid file (process $(cat "$PIDFILE" 2>/dev/null) is gone)"
    rm -f "$PIDFILE"
  fi

  # Another checkout may already run a dev server on the wanted port; if our
  # credentials work there, share it instead of starting a second server.
  if tcp_in_use "$DB_PORT"; then
    if tcp_sql "$DB_PORT"; then
      # A database of this checkout's own on the shared server: the other checkout's data (and the
      # trunk secrets its key encrypted) stay out of our way, and ours out of theirs.
      DB_NAME="${DB_NAME}_$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)"
      tcp_sql "$DB_PORT" "$(create_db_sql)" || die "cannot create database $DB_NAME on port $DB_PORT"
      log "port $DB_PORT is served by another MariaDB that accepts user $DB_USER; reusing it"
      conn_string "$DB_PORT"
      return 0
    fi
    log "port $DB_PORT is in use by something else; choosing another port"
  fi

  init_datadir
  local off newlog
  for ((port = DB_PORT; port <= DB_PORT + 50; port++)); do
    tcp_in_use "$port" && continue
    off="$(stat -c %s "$LOG" 2>/dev/null || echo 0)"
    log "starting mariadbd on 127.0.0.1:$port (log: $LOG)"
    launch "$port"
    if wait_ready; then
      echo "$port" >"$PORTFILE"
      provision
      log "server ready (pid $(our_pid || echo "$LAUNCHED"), port $port)"
      conn_string "$port"
      return 0
    fi
    newlog="$(tail -c +"$((off + 1))" "$LOG" 2>/dev/null || true)"
    if ! kill -0 "$LAUNCHED" 2>/dev/null && grep -qiE 'bind on tcp/ip port|address already in use' <<<"$newlog"; then
      log "port $port was taken meanwhile; trying the next one"
      continue
    fi
    printf '%s\n' "$newlog" | tail -n 30 >&2
    if kill -0 "$LAUNCHED" 2>/dev/null; then
      kill -KILL "$LAUNCHED" 2>/dev/null || true   # hung: don't leave it behind
      rm -f "$PIDFILE"
      die "mariadbd did not answer within 60 s (log: $LOG)"
    fi
    rm -f "$PIDFILE"
    die "mariadbd exited during startup (log: $LOG)"
  done
  die "no free port in $DB_PORT..$((DB_PORT + 50))"
}

cmd_stop() {
  if [[ ! -d "$VAR" ]]; then log "not running"; return 0; fi
  take_lock
  local pid i
  if ! pid="$(our_pid)"; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  log "stopping mariadbd (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$PIDFILE"
  log "stopped"
}

cmd_status() {
  local pid port
  if pid="$(our_pid)"; then
    resolve_bins
    port="$(cat "$PORTFILE" 2>/dev/null || true)"
    if ping_socket; then
      echo "running (pid $pid, port $port)"
      conn_string "$port"
      return 0
    fi
    echo "running (pid $pid) but not answering on $SOCK"
    return 1
  fi
  echo "stopped"
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
