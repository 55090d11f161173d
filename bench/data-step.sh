#!/usr/bin/env bash
# Benchmarks the data step against the hand-run tools, in one run on one private cluster:
#   (a) pg_dump -Fc src | pg_restore -d dst_a
#   (b) DataActivitiesImpl: backupAddon + restoreAddon + verifyAddon into dst_b
# Usage: bench/data-step.sh [SIZE_GB=1] [FORMAT=directory|custom] [JOBS=2]
# Not a test; never run in CI. Needs the PostgreSQL server programs (initdb, pg_ctl, pgbench).
set -euo pipefail

SIZE_GB="${1:-1}"
FORMAT="${2:-directory}"
JOBS="${3:-2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

BIN="${REGIONMOVE_PG_BIN:-}"
if [[ -z "$BIN" ]]; then
  BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
fi
if [[ -z "$BIN" || ! -x "$BIN/initdb" ]]; then
  BIN="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
fi
[[ -x "$BIN/initdb" ]] || { echo "PostgreSQL server programs not found: apt-get install postgresql, or set REGIONMOVE_PG_BIN" >&2; exit 2; }

as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

WORK="$(mktemp -d /tmp/regionmove-bench.XXXXXX)"
[[ "$(id -u)" == 0 ]] && chown postgres "$WORK"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() {
  as_pg "$BIN/pg_ctl" -D "$WORK/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== private cluster on 127.0.0.1:$PORT ($BIN)"
as_pg "$BIN/initdb" -D "$WORK/data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
as_pg "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w \
  -o "-p $PORT -k $WORK/data -c listen_addresses=127.0.0.1" start >/dev/null

export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres
unset PGPASSWORD PGOPTIONS PGDATABASE
SCALE="$(awk -v g="$SIZE_GB" 'BEGIN { s = int(g * 70 + 0.5); print (s < 1 ? 1 : s) }')"
echo "== pgbench -i -s $SCALE"
"$BIN/createdb" src
"$BIN/pgbench" -q -i -s "$SCALE" src 2>&1 | tail -1
"$BIN/psql" -Atc "vacuum analyze" src
echo "source size: $("$BIN/psql" -Atc "select pg_size_pretty(pg_database_size('src'))" src)"
"$BIN/createdb" dst_a
"$BIN/createdb" dst_b

if [[ ! -d "$ROOT/activities/target/classes/io/regionmove/activities/data" ]]; then
  echo "== building activities"
  (cd "$ROOT" && mvn -q -pl activities -am -DskipTests install)
fi
CP_FILE="$WORK/classpath"
(cd "$ROOT" && mvn -q -pl activities dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null)
CP="$ROOT/activities/target/classes:$(cat "$CP_FILE")"

# Each run starts without dirty buffers or a pending checkpoint from the one before.
"$BIN/psql" -qc checkpoint postgres; sync
echo "== (a) pg_dump -Fc src | pg_restore -d dst_a"
A_START=$(date +%s.%N)
"$BIN/pg_dump" -Fc src | "$BIN/pg_restore" -d dst_a
A_END=$(date +%s.%N)
HAND=$(awk -v s="$A_START" -v e="$A_END" 'BEGIN { printf "%.2f", e - s }')
echo "hand_s=$HAND"

"$BIN/psql" -qc checkpoint postgres; sync
echo "== (b) DataActivitiesImpl backup + restore + verify ($FORMAT, $JOBS jobs)"
OUT="$WORK/ours.txt"
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dlogback.configurationFile="$ROOT/bench/logback-bench.xml" \
  -cp "$CP" "$ROOT/bench/DataStepBench.java" \
  "postgresql://postgres@127.0.0.1:$PORT/src" "postgresql://postgres@127.0.0.1:$PORT/dst_b" "$BIN" "$FORMAT" "$JOBS" \
  | tee "$OUT"
get() { sed -n "s/^$1=//p" "$OUT"; }
OURS=$(get ours_s); VERIFY=$(get verify_s)

echo "== summary (SIZE_GB=$SIZE_GB, scale $SCALE, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v hand="$HAND" -v ours="$OURS" -v verify="$VERIFY" -v b="$(get backup_s)" -v r="$(get restore_s)" 'BEGIN {
  printf "hand-run pg_dump -Fc | pg_restore : %6.2f s\n", hand
  printf "ours backup                       : %6.2f s\n", b
  printf "ours restore                      : %6.2f s\n", r
  printf "ours verify                       : %6.2f s (%.0f%% of ours)\n", verify, 100 * verify / ours
  printf "ours total                        : %6.2f s\n", ours
  printf "ratio ours / hand-run             : %6.2f (without verify: %.2f)\n", ours / hand, (ours - verify) / hand
}'
