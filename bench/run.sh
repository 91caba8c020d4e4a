#!/usr/bin/env bash
# The iot-webhooks benchmark: one command, not part of `mvn verify`.
#
#   bash bench/run.sh [--runs 3] [--events 50000] [--store embedded|mongo|both]
#                     [--callers 4] [--rate 200] [--latency-seconds 30] [--wrk-seconds 10]
#                     [--ceiling-seconds 10] [--warmup-events 5000] [--crash-events 1000] [--no-xmx-check]
#                     [--profile] [--no-build] [--no-record]
#   bash bench/run.sh --soak [--soak-seconds 180] [--soak-rate 300] [--store embedded|mongo]
#                     [--no-build] [--no-record]
#
# --crash-events N: per store, N events accepted and held undelivered (the receiver never answers), then
# kill -9 and a restart on the same data with the receiver answering: time to ready, time from ready until
# all N arrived, lost, duplicates (0 disables).
# --profile records the service with JFR in run 1 (main variant, each store) and writes where the CPU
# samples go to <work>/results/run1/profile-<store>.md; its figures then include the recorder's overhead.
#
# It builds the fat jar and the bench module (load generator/receiver in bench/src/main/java), installs wrk
# (Debian) if missing, starts a real MongoDB (.ci/mongod.sh, on its own port and Wine prefix) for
# --store mongo|both, and for every run measures, in the same run:
#   (a) the receiver alone, driven by wrk over loopback (requests/s);
#   (b) the store alone: 100-document insert batches through the service's store adapter (documents/s),
#       and one durable single-document insert (latency);
#   then, per store, against the service jar started as a process (embedded store in a temp data dir,
#   or the real MongoDB in a fresh database): its start-up time (launch to /alive); cold start: the
#   first 100 single provisions at --rate/s right after it is ready (intake latency, time to first
#   attempt), from a load generator and receiver of their own (a JVM on C1 alone, so that its own JIT
#   compilers do not take the cores); then, after a warm-up of --warmup-events bulk events and 2 s of single provisions (JIT;
#   not measured):
#   end-to-end throughput of --events device-status-changed events fed by bulk intake calls of 100;
#   store commands and document writes per delivered event; single provision calls at --rate/s for
#   --latency-seconds (intake latency, time to first attempt); peak RSS and heap; and the bulk run
#   repeated with -Xmx256m (same counts: no lost or duplicated event).
# Each run, and the medians over the runs with the README targets, are appended to docs/BENCHMARKS.md
# (unless --no-record); the raw results stay in the work directory printed at the end.
#
# --soak runs the overload soak instead (and only it): the service with webhooks_timeout_seconds 2 and the
# retry schedule 1s,2s,4s,8s; bulk intake calls of 100 events, open loop at --soak-rate events/s for
# --soak-seconds, into a receiver that fails a quarter of the attempts (half with an immediate 500, half
# answered after 3 s, past the timeout); per minute: accepted events/s, bulk-call p50/p99 latency, 503s;
# then, 2 minutes after the feed stopped: unfinished accepted events (events API), events stored without
# a 202, duplicates (POSTs after the receiver had answered 200 at once) and POSTs missing from the attempt
# log. The store defaults to embedded here. Appended to docs/BENCHMARKS.md (unless --no-record).
#
# Environment: BENCH_MONGO_PORT (default 27105), BENCH_CACHE (Wine prefix and mongod.exe for the
# benchmark's MongoDB; default ~/.cache/iot-webhooks-bench), BENCH_WORK (work directory; default a new
# directory under /tmp), BENCH_JAR (another build's fat jar, with --no-build, to compare builds),
# BENCH_JAVA_OPTS (extra JVM options for the service), BENCH_SOAK_ENV (extra KEY=value settings of the
# service in the soak, e.g. IOT_MANAGER_INTAKE_MAX_WRITES=2).
# Traffic stays on 127.0.0.1.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

RUNS=3
EVENTS=50000
STORE=both
CALLERS=4
RATE=200
LATENCY_SECONDS=30
WRK_SECONDS=10
CEILING_SECONDS=10
WARMUP=5000
CRASH_EVENTS=1000
XMX_CHECK=1
PROFILE=0
BUILD=1
RECORD=1
SOAK=0
SOAK_SECONDS=180
SOAK_RATE=300
SOAK_SETTLE=120
STORE_SET=0
ARGS_TEXT="$*"

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while (($#)); do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --events) EVENTS="$2"; shift 2 ;;
    --store) STORE="$2"; STORE_SET=1; shift 2 ;;
    --soak) SOAK=1; shift ;;
    --soak-seconds) SOAK_SECONDS="$2"; shift 2 ;;
    --soak-rate) SOAK_RATE="$2"; shift 2 ;;
    --soak-settle-seconds) SOAK_SETTLE="$2"; shift 2 ;;
    --callers) CALLERS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --latency-seconds) LATENCY_SECONDS="$2"; shift 2 ;;
    --wrk-seconds) WRK_SECONDS="$2"; shift 2 ;;
    --ceiling-seconds) CEILING_SECONDS="$2"; shift 2 ;;
    --warmup-events) WARMUP="$2"; shift 2 ;;
    --crash-events) CRASH_EVENTS="$2"; shift 2 ;;
    --no-xmx-check) XMX_CHECK=0; shift ;;
    --profile) PROFILE=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --no-record) RECORD=0; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
done
((SOAK && !STORE_SET)) && STORE=embedded
case "$STORE" in embedded) STORES=(embedded) ;; mongo) STORES=(mongo) ;; both) STORES=(embedded mongo) ;;
  *) echo "--store must be embedded, mongo or both" >&2; exit 2 ;; esac
for n in "$SOAK_SECONDS" "$SOAK_RATE" "$SOAK_SETTLE" "$RUNS" "$EVENTS" "$CALLERS" "$RATE" "$LATENCY_SECONDS" "$WRK_SECONDS" "$CEILING_SECONDS" "$WARMUP" "$CRASH_EVENTS"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a number: $n" >&2; exit 2; }
done
((RUNS >= 1 && RUNS <= 20)) || { echo "--runs: 1..20" >&2; exit 2; }
((EVENTS >= 100 && EVENTS <= 1000000)) || { echo "--events: 100..1000000" >&2; exit 2; }

MONGO_PORT="${BENCH_MONGO_PORT:-27105}"
export IOT_CI_CACHE="${BENCH_CACHE:-${HOME:-/root}/.cache/iot-webhooks-bench}"
WORK="${BENCH_WORK:-$(mktemp -d /tmp/iot-bench.XXXXXX)}"
mkdir -p "$WORK/results"
JAR="${BENCH_JAR:-$REPO/bootstrap/target/iot-webhooks.jar}"
# The load generator, receiver and report: the bench module's build output (mvn package builds it,
# and mvn verify compiles and tests it), run against the service's fat jar.
CLASSES="$REPO/bench/target/classes"
CP="$CLASSES:$JAR"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------ clean-up of what we started
SERVICE_PID=""
RECEIVER_PID=""
SERVICE_ENV_EXTRA=()
MONGO_STARTED=0
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n "$RECEIVER_PID" ]] && kill "$RECEIVER_PID" 2>/dev/null || true
  [[ -n "$SERVICE_PID" ]] && stop_service || true
  if ((MONGO_STARTED)); then
    MONGO_PORT="$MONGO_PORT" bash "$REPO/.ci/mongod.sh" stop >>"$WORK/mongod.log" 2>&1 \
      || log "WARNING: stopping MongoDB failed (see $WORK/mongod.log)"
  fi
  rm -rf "$WORK/data"
  log "work directory (raw results, logs, profiles): $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ helpers
free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

wait_for_alive() { # port pid
  local i
  for i in $(seq 1 1200); do
    kill -0 "$2" 2>/dev/null || return 1
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null \
      && [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/api/internal/v1/iot-manager/alive")" == 204 ]]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# start_service STORE DBNAME DATADIR LOGFILE JVM_OPTS... ; sets SERVICE_PID, SERVICE_PORT and
# SERVICE_STARTUP_S (from launching the JVM to /alive answering 204, polled every 0.1 s)
start_service() {
  local store="$1" db="$2" data="$3" logfile="$4"
  shift 4
  SERVICE_PORT="$(free_port)"
  local env=(IOT_MANAGER_LISTEN="127.0.0.1:$SERVICE_PORT" IOT_MANAGER_DATA_DIR="$data"
    IOT_MANAGER_DOMAIN_SKIPVERIFY=true IOT_MANAGER_MONGO_DBNAME="$db" ${SERVICE_ENV_EXTRA[@]+"${SERVICE_ENV_EXTRA[@]}"})
  if [[ "$store" == mongo ]]; then
    env+=(IOT_MANAGER_MONGO_URL="$MONGO_URL")
  else
    env+=(IOT_MANAGER_MONGO_URL=)
  fi
  local t0
  t0="$(date +%s%N)"
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
  env "${env[@]}" java ${BENCH_JAVA_OPTS:-} "$@" -jar "$JAR" >"$logfile" 2>&1 </dev/null &
  SERVICE_PID=$!
  wait_for_alive "$SERVICE_PORT" "$SERVICE_PID" || { tail -n 30 "$logfile" >&2; die "the service did not start"; }
  SERVICE_STARTUP_S="$(awk -v ns="$(($(date +%s%N) - t0))" 'BEGIN {printf "%.2f", ns / 1e9}')"
}

# stop_service: SIGTERM (the service drains and exits 0), SIGKILL only after 60 s
stop_service() {
  local pid="$SERVICE_PID" i
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "WARNING: the service did not stop within 60 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  SERVICE_PID=""
}

# service_memory PREFIX: peak RSS and heap of the running service, as key=value lines
service_memory() {
  local prefix="$1" hwm heap
  hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVICE_PID/status" 2>/dev/null || echo 0)"
  echo "${prefix}rss_peak_mib=$((hwm / 1024))"
  heap="$(jcmd "$SERVICE_PID" GC.heap_info 2>/dev/null | grep -m1 -o 'total [0-9]*K, used [0-9]*K' || true)"
  if [[ -n "$heap" ]]; then
    echo "${prefix}heap_committed_end_mib=$(($(sed 's/total \([0-9]*\)K.*/\1/' <<<"$heap") / 1024))"
    echo "${prefix}heap_used_end_mib=$(($(sed 's/.*used \([0-9]*\)K/\1/' <<<"$heap") / 1024))"
  fi
}

bench() { java -cp "$CP" iotbench.Bench "$@"; }

# mongo_pids: our mongod and the wineserver of our Wine prefix (both do the store's work), comma-separated
mongo_pids() {
  local pids="" p
  p="$(cat "${MONGO_STATE_DIR:-/var/tmp/iot-webhooks-mongo-$MONGO_PORT}/mongod.pid" 2>/dev/null || true)"
  [[ -n "$p" ]] && pids="$p"
  for p in $(pgrep -x wineserver64 2>/dev/null || pgrep -f wineserver64 2>/dev/null || true); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "WINEPREFIX=$IOT_CI_CACHE/wineprefix"; then
      pids="$pids${pids:+,}$p"
    fi
  done
  echo "$pids"
}

# ------------------------------------------------------------------ prerequisites
command -v java >/dev/null || die "java (17) is needed"
command -v curl >/dev/null || die "curl is needed"
if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian package)"
  command -v apt-get >/dev/null || die "wrk is missing and apt-get is not available"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends wrk </dev/null >/dev/null 2>&1 \
    || { apt-get update -qq </dev/null >/dev/null && apt-get install -y -qq --no-install-recommends wrk </dev/null >/dev/null; } \
    || die "cannot install wrk"
fi
if ((BUILD)); then
  log "building the jar (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package </dev/null >"$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log" >&2; die "build failed"; }
fi
[[ -f "$JAR" ]] || die "$JAR is missing (run without --no-build)"
[[ -f "$CLASSES/iotbench/Bench.class" ]] || die "$CLASSES is missing (run without --no-build)"

MONGO_URL=""
if [[ " ${STORES[*]} " == *" mongo "* ]]; then
  # A Wine prefix of our own: whoever stops another MongoDB under the shared CI prefix ends every
  # process in it (wineserver -k), ours included.
  ci_exe="${HOME:-/root}/.cache/iot-webhooks-ci/mongodb-7.0.15-win64/mongod.exe"
  own_exe="$IOT_CI_CACHE/mongodb-7.0.15-win64/mongod.exe"
  if [[ ! -f "$own_exe" && -f "$ci_exe" ]]; then
    mkdir -p "$(dirname "$own_exe")" && cp "$ci_exe" "$own_exe" # mongod.sh checks its SHA-256
  fi
  log "starting MongoDB on 127.0.0.1:$MONGO_PORT (.ci/mongod.sh; Wine prefix in $IOT_CI_CACHE)"
  if MONGO_URL="$(MONGO_PORT="$MONGO_PORT" bash "$REPO/.ci/mongod.sh" start 2>>"$WORK/mongod.log")"; then
    MONGO_STARTED=1
  elif [[ "$STORE" == both ]]; then
    log "WARNING: MongoDB is not available (see $WORK/mongod.log); measuring the embedded store only"
    STORES=(embedded)
  else
    die "MongoDB did not start (see $WORK/mongod.log)"
  fi
fi

COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  COMMIT="$COMMIT+uncommitted changes"
fi
JVM="$(java -version 2>&1 | head -n 2 | tr '\n' ' ' | sed 's/ *$//')"
MEMORY="$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
OPTIONS="--runs $RUNS --events $EVENTS --store $STORE --callers $CALLERS --rate $RATE --latency-seconds $LATENCY_SECONDS --warmup-events $WARMUP --crash-events $CRASH_EVENTS"

# ------------------------------------------------------------------ the soak (instead of the runs)
if ((SOAK)); then
  R="$WORK/results/soak"
  mkdir -p "$R"
  for store in "${STORES[@]}"; do
    log "=== soak, $store store: $SOAK_RATE events/s for $SOAK_SECONDS s (load average $(loadavg)) ==="
    load_start="$(loadavg)"
    rm -rf "$WORK/data" && mkdir -p "$WORK/data"
    db="bench_soak_$$"
    SERVICE_ENV_EXTRA=(IOT_MANAGER_WEBHOOKS_TIMEOUT_SECONDS=2 IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE=1s,2s,4s,8s
      ${BENCH_SOAK_ENV:-})
    start_service "$store" "$db" "$WORK/data/service" "$R/$store-service.log"
    log "service pid $SERVICE_PID on port $SERVICE_PORT"
    if ! bench soak --service "http://127.0.0.1:$SERVICE_PORT" --seconds "$SOAK_SECONDS" --rate "$SOAK_RATE" \
      --settle-seconds "$SOAK_SETTLE" >"$R/$store.txt" 2>"$R/$store-soak.log"; then
      tail -n 20 "$R/$store-soak.log" >&2
      die "the soak failed"
    fi
    service_memory "" >>"$R/$store.txt"
    stop_service
    [[ "$store" == mongo ]] && { bench dropdb --mongo-url "$MONGO_URL" --db "$db" 2>/dev/null || true; }
    rm -rf "$WORK/data"
    {
      echo "store=$store"
      echo "commit=$COMMIT"
      echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
      echo "nproc=$(nproc)"
      echo "jvm=$JVM"
      echo "load_start=$load_start"
      echo "load_end=$(loadavg)"
    } >>"$R/$store.txt"
    log "  $store: $(grep -E '^soak_(accepted_per_s|p99_ms|503|duplicates_percent|unfinished|stored_not_accepted)=' \
      "$R/$store.txt" | tr '\n' ' ')"
  done
  if ((RECORD)); then report_out="$REPO/docs/BENCHMARKS.md"; else report_out="$WORK/report.md"; fi
  printf '\n### %s: `bash bench/run.sh%s`\n\n' "$(date -u +%Y-%m-%d)" "${ARGS_TEXT:+ $ARGS_TEXT}" >>"$report_out"
  for store in "${STORES[@]}"; do
    bench soakreport --file "$R/$store.txt" >>"$report_out"
  done
  log "appended to $report_out"
  exit 0
fi

# ------------------------------------------------------------------ runs
for run in $(seq 1 "$RUNS"); do
  R="$WORK/results/run$run"
  mkdir -p "$R"
  log "=== run $run of $RUNS (load average $(loadavg)) ==="
  {
    echo "commit=$COMMIT"
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc=$(nproc)"
    echo "memory=$MEMORY"
    echo "jvm=$JVM"
    echo "options=$OPTIONS${BENCH_JAR:+ (jar $BENCH_JAR)}${BENCH_JAVA_OPTS:+ (service JVM options $BENCH_JAVA_OPTS)}"
    echo "load_start=$(loadavg)"
  } >"$R/env.txt"

  # (a) the receiver alone, driven by wrk
  port="$(free_port)"
  bench receiver --port "$port" --seconds $((WRK_SECONDS + 60)) >"$R/receiver.out" 2>"$R/receiver.err" &
  RECEIVER_PID=$!
  for i in $(seq 1 120); do grep -q ready "$R/receiver.out" 2>/dev/null && break; sleep 0.25; done
  grep -q ready "$R/receiver.out" || die "the receiver did not start"
  # a short warm-up (JIT, connections), then the measured run
  wrk -t "$(nproc)" -c 32 -d 3s -s "$REPO/bench/webhook-post.lua" "http://127.0.0.1:$port/hook" >/dev/null 2>&1 || true
  wrk -t "$(nproc)" -c 32 -d "${WRK_SECONDS}s" --latency -s "$REPO/bench/webhook-post.lua" \
    "http://127.0.0.1:$port/hook" >"$R/wrk.txt" 2>&1 || die "wrk failed: $(cat "$R/wrk.txt")"
  kill "$RECEIVER_PID" 2>/dev/null || true
  wait "$RECEIVER_PID" 2>/dev/null || true
  RECEIVER_PID=""
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$R/wrk.txt")"
  echo "receiver_rps=${rps:-NaN}" >>"$R/env.txt"
  log "(a) receiver alone: $rps requests/s"

  for store in "${STORES[@]}"; do
    out="$R/$store.txt"
    : >"$out"
    # (b) the store alone
    if [[ "$store" == mongo ]]; then
      bench store --mongo-url "$MONGO_URL" --db "bench_ceiling_$run" --seconds "$CEILING_SECONDS" \
        --concurrency "$CALLERS" >>"$out" 2>"$R/$store-ceiling.log" || die "store ceiling failed: $R/$store-ceiling.log"
    else
      rm -rf "$WORK/data" && mkdir -p "$WORK/data"
      bench store --data-dir "$WORK/data/ceiling" --seconds "$CEILING_SECONDS" --concurrency "$CALLERS" \
        >>"$out" 2>"$R/$store-ceiling.log" || die "store ceiling failed: $R/$store-ceiling.log"
      rm -rf "$WORK/data"
    fi
    log "(b) $store alone: $(grep '^store_ceiling_docs_per_s=' "$out" | cut -d= -f2) documents/s"

    # end to end, then the -Xmx256m repeat
    variants=(main)
    ((XMX_CHECK)) && variants+=(xmx)
    for variant in "${variants[@]}"; do
      db="bench_${run}_${variant}_$$"
      jvm_opts=()
      prefix=""
      latency="$LATENCY_SECONDS"
      if [[ "$variant" == xmx ]]; then
        jvm_opts+=(-Xmx256m)
        prefix="xmx_"
        latency=0
      elif ((PROFILE && run == 1)); then
        jvm_opts+=(-XX:+FlightRecorder "-XX:FlightRecorderOptions=repository=$R/jfr-repository"
          "-XX:StartFlightRecording=name=bench,settings=profile")
      fi
      rm -rf "$WORK/data" && mkdir -p "$WORK/data"
      start_service "$store" "$db" "$WORK/data/service" "$R/$store-$variant-service.log" "${jvm_opts[@]}"
      log "$store ($variant${jvm_opts[*]:+: ${jvm_opts[*]}}): service pid $SERVICE_PID on port $SERVICE_PORT; $EVENTS events"
      e2e_args=(--service "http://127.0.0.1:$SERVICE_PORT" --events "$EVENTS" --callers "$CALLERS"
        --rate "$RATE" --latency-seconds "$latency" --warmup-events "$WARMUP"
        --latency-dump "$R/$store-$variant-latencies.txt")
      e2e_args+=(--service-pid "$SERVICE_PID")
      [[ "$store" == mongo ]] && e2e_args+=(--mongo-url "$MONGO_URL" --store-pids "$(mongo_pids)")
      # the cold start first, from a load generator of its own on C1 alone: a JVM started right after the
      # service was ready, compiling with C2 on the same cores, made those figures mostly its own
      if ! java -XX:TieredStopAtLevel=1 -cp "$CP" iotbench.Bench e2e "${e2e_args[@]}" --coldstart-only true \
        >"$R/$store-$variant-cold.txt" 2>"$R/$store-$variant-cold.log"; then
        tail -n 20 "$R/$store-$variant-cold.log" >&2
        die "cold-start run failed"
      fi
      if ! bench e2e "${e2e_args[@]}" --coldstart-events 0 >"$R/$store-$variant.txt" 2>"$R/$store-$variant-e2e.log"
      then
        tail -n 20 "$R/$store-$variant-e2e.log" >&2
        die "end-to-end run failed"
      fi
      cat "$R/$store-$variant-cold.txt" >>"$R/$store-$variant.txt"
      service_memory "" >>"$R/$store-$variant.txt"
      echo "startup_s=$SERVICE_STARTUP_S" >>"$R/$store-$variant.txt"
      if [[ "$variant" == main ]] && ((PROFILE && run == 1)); then
        # the service halts after its SIGTERM drain (no JFR dump on exit): dump the recording now
        jcmd "$SERVICE_PID" JFR.dump name=bench filename="$R/profile-$store.jfr" >/dev/null 2>&1 \
          || log "WARNING: JFR dump failed"
      fi
      stop_service
      sed "s/^/$prefix/" "$R/$store-$variant.txt" >>"$out"
      [[ "$store" == mongo ]] && { bench dropdb --mongo-url "$MONGO_URL" --db "$db" 2>/dev/null || true; }
      rm -rf "$WORK/data"
      log "  $store $variant: $(grep -E '^(startup_s|coldstart_ttfa_p99_ms|e2e_events_per_s|e2e_lost|e2e_duplicates|intake_p50_ms|ttfa_p99_ms|rss_peak_mib)=' \
        "$R/$store-$variant.txt" | tr '\n' ' ')"
    done
    # kill -9 with accepted, undelivered events, then a restart on the same data
    if ((CRASH_EVENTS > 0)); then
      rm -rf "$WORK/data" && mkdir -p "$WORK/data"
      crash_args=(--jar "$JAR" --events "$CRASH_EVENTS" --log-dir "$R")
      [[ -n "${BENCH_JAVA_OPTS:-}" ]] && crash_args+=(--java-opts "$BENCH_JAVA_OPTS")
      if [[ "$store" == mongo ]]; then
        crash_db="bench_crash_${run}_$$"
        crash_args+=(--mongo-url "$MONGO_URL" --db "$crash_db")
      else
        crash_args+=(--data-dir "$WORK/data/crash")
      fi
      if bench crash "${crash_args[@]}" >"$R/$store-crash.txt" 2>"$R/$store-crash.log"; then
        cat "$R/$store-crash.txt" >>"$out"
        log "  $store crash: $(tr '\n' ' ' <"$R/$store-crash.txt")"
      else
        log "WARNING: the crash measurement failed (see $R/$store-crash.log)"
      fi
      [[ "$store" == mongo ]] && { bench dropdb --mongo-url "$MONGO_URL" --db "$crash_db" 2>/dev/null || true; }
      rm -rf "$WORK/data"
    fi
    if ((PROFILE && run == 1)) && [[ -f "$R/profile-$store.jfr" ]]; then
      bench jfrtop --file "$R/profile-$store.jfr" --top 25 >"$R/profile-$store.md" 2>/dev/null \
        && log "profile of the $store run: $R/profile-$store.md"
    fi
  done
  echo "load_end=$(loadavg)" >>"$R/env.txt"
done

# ------------------------------------------------------------------ report
if ((RECORD)); then
  report_out="$REPO/docs/BENCHMARKS.md"
  mkdir -p "$(dirname "$report_out")"
  [[ -f "$report_out" ]] || printf '# Benchmarks\n\nAppended by `bash bench/run.sh` (see the README, section Benchmark).\n' >"$report_out"
else
  report_out="$WORK/report.md"
fi
printf '\n## %s: `bash bench/run.sh%s`\n' "$(date -u +%Y-%m-%d)" "${ARGS_TEXT:+ $ARGS_TEXT}" >>"$report_out"
bench report --dir "$WORK/results" --out "$report_out"
log "appended to $report_out"
