#!/usr/bin/env bash
# Benchmarks the redis data step against the fastest honest copy by hand, in one run:
#   (a) by hand: `redis-cli --rdb dump.rdb` from the source (the server forks and streams a
#       snapshot), then a fresh redis-server started on that file, timed until it has loaded it;
#   (b) DataActivitiesImpl with the redis engine as the workflow runs it: backupAddon and
#       restoreAddon (following the archive as it is written) at the same time, then verifyAddon,
#       into a fresh, empty redis-server;
#   each run alternating (a) and (b); medians at the end.
# Usage: bench/redis-data-step.sh [KEYS=1000000] [RUNS=3]
# Not a test; never run in CI. Needs redis-server and redis-cli (apt-get install redis-server).
# MVN overrides the Maven command (e.g. MVN="mvn -Dmaven.repo.local=/some/repo").
set -euo pipefail

KEYS="${1:-1000000}"
RUNS="${2:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MVN="${MVN:-mvn}"
command -v redis-server >/dev/null && command -v redis-cli >/dev/null \
  || { echo "redis-server and redis-cli not found: apt-get install redis-server" >&2; exit 2; }

WORK="$(mktemp -d /tmp/regionmove-redis-bench.XXXXXX)"
PASS="bench$RANDOM$RANDOM"
PIDS=()
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT

# start NAME PORT [extra config lines...]: a private redis-server in $WORK/NAME; its pid in STARTED.
start() {
  local name="$1" port="$2"; shift 2
  mkdir -p "$WORK/$name"
  {
    echo "port $port"; echo "bind 127.0.0.1"; echo "dir $WORK/$name"; echo "requirepass $PASS"
    echo "save \"\""; echo "appendonly no"; echo "daemonize no"; echo "logfile $WORK/$name/redis.log"
    for line in "$@"; do echo "$line"; done
  } > "$WORK/$name/redis.conf"
  redis-server "$WORK/$name/redis.conf" >/dev/null 2>&1 &
  STARTED=$!
  PIDS+=("$STARTED")
}
cli() { redis-cli --no-auth-warning -a "$PASS" -p "$1" "${@:2}"; }
# Waits until the server on port $1 answers and has loaded its data.
await_loaded() {
  until [[ "$(cli "$1" ping 2>/dev/null)" == PONG ]] \
        && cli "$1" info persistence 2>/dev/null | grep -q '^loading:0'; do
    sleep 0.01
  done
}
stop() { cli "$1" shutdown nosave >/dev/null 2>&1 || true; wait "$2" 2>/dev/null || true; }
redis_cpu() { # CPU seconds used so far by the process $1 and its reaped children (RDB forks)
  local f; read -r -a f < "/proc/$1/stat"
  awk -v t="$((f[13] + f[14] + f[15] + f[16]))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
now() { date +%s.%N; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== building the classpath"
CP_FILE="$WORK/classpath"
(cd "$ROOT" && $MVN -q -B -ntp -pl activities -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null)
CP="$ROOT/activities/target/classes:$ROOT/sandbox/target/classes:$ROOT/workflows/target/classes:$(cat "$CP_FILE")"
bench() {
  java -Dlogback.configurationFile="$ROOT/bench/logback-bench.xml" -cp "$CP" \
    "$ROOT/bench/RedisDataStepBench.java" "$@"
}

SRC_PORT="$(free_port)"
start src "$SRC_PORT"; SRC_PID=$STARTED
await_loaded "$SRC_PORT"
echo "== seeding $KEYS keys into the source (redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$SRC_PORT)"
bench seed "redis://:$PASS@127.0.0.1:$SRC_PORT/0" "$KEYS"
echo "source: $(cli "$SRC_PORT" dbsize) keys, $(cli "$SRC_PORT" info memory | sed -n 's/^used_memory_human://p' | tr -d '\r') used"

HANDS=""; OURS_ALL=""; RATIOS=""; VERIFIES=""; NOVERIFY=""; BACKUPS=""; RESTORES=""; HAND_CPU=""; OURS_CPU=""; JVM_CPU=""
for run in $(seq "$RUNS"); do
  echo "== run $run/$RUNS (a) redis-cli --rdb, then a fresh redis-server loading the file"
  rm -rf "$WORK/hand"; mkdir -p "$WORK/hand"
  HAND_PORT="$(free_port)"
  c0=$(redis_cpu "$SRC_PID"); t0=$(now)
  cli "$SRC_PORT" --rdb "$WORK/hand/dump.rdb" >/dev/null 2>&1
  start hand "$HAND_PORT" "dbfilename dump.rdb"; HAND_PID=$STARTED
  await_loaded "$HAND_PORT"
  t1=$(now); c1=$(redis_cpu "$SRC_PID"); HCPU=$(minus "$(minus "$c1" "$c0")" "-$(redis_cpu "$HAND_PID")")
  HAND=$(minus "$t1" "$t0")
  echo "hand_s=$HAND keys=$(cli "$HAND_PORT" dbsize) rdb=$(du -h "$WORK/hand/dump.rdb" | cut -f1) redis_cpu_s=$HCPU"
  stop "$HAND_PORT" "$HAND_PID"

  echo "== run $run/$RUNS (b) data step: backup and restore together, then verify"
  DST_PORT="$(free_port)"
  start "dst$run" "$DST_PORT"; DST_PID=$STARTED
  await_loaded "$DST_PORT"
  OUT="$WORK/ours$run.txt"
  c0=$(redis_cpu "$SRC_PID")
  bench step "redis://:$PASS@127.0.0.1:$SRC_PORT/0" "redis://:$PASS@127.0.0.1:$DST_PORT/0" > "$OUT"
  c1=$(redis_cpu "$SRC_PID"); OCPU=$(minus "$(minus "$c1" "$c0")" "-$(redis_cpu "$DST_PID")")
  get() { sed -n "s/^$1=//p" "$OUT"; }
  OURS=$(get ours_s); VERIFY=$(get verify_s)
  echo "backup_s=$(get backup_s) restore_s=$(get restore_s) verify_s=$VERIFY ours_s=$OURS keys=$(get keys) archive_bytes=$(get backup_bytes) redis_cpu_s=$OCPU worker_jvm_cpu_s=$(get jvm_cpu_s)"
  stop "$DST_PORT" "$DST_PID"
  HANDS+=" $HAND"; OURS_ALL+=" $OURS"; VERIFIES+=" $VERIFY"
  BACKUPS+=" $(get backup_s)"; RESTORES+=" $(get restore_s)"
  RATIOS+=" $(awk -v o="$OURS" -v h="$HAND" 'BEGIN { printf "%.3f", o / h }')"
  NOVERIFY+=" $(awk -v o="$OURS" -v v="$VERIFY" -v h="$HAND" 'BEGIN { printf "%.3f", (o - v) / h }')"
  HAND_CPU+=" $HCPU"; OURS_CPU+=" $OCPU"; JVM_CPU+=" $(get jvm_cpu_s)"
done

m() { echo "$1" | median; }
echo "== summary (KEYS=$KEYS, $RUNS runs, medians; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v hand="$(m "$HANDS")" -v ours="$(m "$OURS_ALL")" -v verify="$(m "$VERIFIES")" \
    -v b="$(m "$BACKUPS")" -v r="$(m "$RESTORES")" -v ratio="$(m "$RATIOS")" -v nov="$(m "$NOVERIFY")" \
    -v hcpu="$(m "$HAND_CPU")" -v ocpu="$(m "$OURS_CPU")" -v jcpu="$(m "$JVM_CPU")" 'BEGIN {
  printf "hand-run redis-cli --rdb + load       : %6.2f s\n", hand
  printf "ours backup                          : %6.2f s\n", b
  printf "ours restore (following the backup)  : %6.2f s (both from the start of the step)\n", r
  printf "ours verify (both sides)             : %6.2f s (%.0f%% of the step)\n", verify, 100 * verify / ours
  printf "ours data step                       : %6.2f s = source downtime of the step\n", ours
  printf "ratio ours / hand-run                : %6.2f (median of runs; without verification: %.2f)\n", ratio, nov
  printf "redis-server CPU, hand-run / ours    : %6.2f / %.2f core-seconds (source + destination)\n", hcpu, ocpu
  printf "ours worker JVM CPU                  : %6.2f core-seconds (both workers, one JVM)\n", jcpu
}'
