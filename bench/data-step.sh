#!/usr/bin/env bash
# Benchmarks the data step against the hand-run tools, in one run on one private cluster:
#   (a) pg_dump -Fc src | pg_restore -d dst_a
#   (b) DataActivitiesImpl as the workflow runs it: backupAddon and restoreAddon (following the
#       archive as it is written) at the same time, then verifyAddon, into dst_b
#   each run alternating (a) and (b) on fresh databases; medians at the end.
# Usage: bench/data-step.sh [SIZE_GB=1] [RUNS=3] [FORMAT=custom|directory] [JOBS=2]
# Not a test; never run in CI. Needs the PostgreSQL server programs (initdb, pg_ctl, pgbench).
set -euo pipefail

SIZE_GB="${1:-1}"
RUNS="${2:-3}"
FORMAT="${3:-custom}"
JOBS="${4:-2}"
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

# autovacuum off: a new 1 GB table left by one run would be vacuumed during the next one.
echo "== private cluster on 127.0.0.1:$PORT ($BIN)"
as_pg "$BIN/initdb" -D "$WORK/data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
as_pg "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w \
  -o "-p $PORT -k $WORK/data -c listen_addresses=127.0.0.1 -c autovacuum=off" start >/dev/null

export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres
unset PGPASSWORD PGOPTIONS PGDATABASE
SCALE="$(awk -v g="$SIZE_GB" 'BEGIN { s = int(g * 70 + 0.5); print (s < 1 ? 1 : s) }')"
echo "== pgbench -i -s $SCALE"
"$BIN/createdb" src
"$BIN/pgbench" -q -i -s "$SCALE" src 2>&1 | tail -1
"$BIN/psql" -Atc "vacuum analyze" src
echo "source size: $("$BIN/psql" -Atc "select pg_size_pretty(pg_database_size('src'))" src)"

if [[ ! -d "$ROOT/activities/target/classes/io/regionmove/activities/data" ]]; then
  echo "== building activities"
  (cd "$ROOT" && mvn -q -pl activities -am -DskipTests install)
fi
CP_FILE="$WORK/classpath"
(cd "$ROOT" && mvn -q -pl activities dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null)
CP="$ROOT/activities/target/classes:$(cat "$CP_FILE")"

# CPU seconds used by the cluster (every backend, reaped ones included, and its helpers): the
# data step competes with the hand-run tools for the same cores, so this shows what each costs.
server_cpu() {
  local pm tot=0 f
  pm="$(head -1 "$WORK/data/postmaster.pid")"
  for p in $pm $(pgrep -P "$pm"); do
    read -r -a f < "/proc/$p/stat" 2>/dev/null || continue
    tot=$((tot + f[13] + f[14]))
    [[ "$p" == "$pm" ]] && tot=$((tot + f[15] + f[16]))
  done
  awk -v t="$tot" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
now() { date +%s.%N; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Each run starts without dirty buffers or a pending checkpoint from the one before.
quiet() { "$BIN/psql" -qc checkpoint postgres; sync; }

HANDS=""; OURS_ALL=""; RATIOS=""; VERIFIES=""; NOVERIFY=""; BACKUPS=""; RESTORES=""; HAND_CPU=""; OURS_CPU=""
for run in $(seq "$RUNS"); do
  "$BIN/createdb" "dst_a$run"; "$BIN/createdb" "dst_b$run"
  quiet
  echo "== run $run/$RUNS (a) pg_dump -Fc src | pg_restore -d dst_a$run"
  c0=$(server_cpu); t0=$(now)
  "$BIN/pg_dump" -Fc src | "$BIN/pg_restore" -d "dst_a$run"
  t1=$(now); c1=$(server_cpu)
  HAND=$(minus "$t1" "$t0"); HCPU=$(minus "$c1" "$c0"); echo "hand_s=$HAND server_cpu_s=$HCPU"
  quiet
  echo "== run $run/$RUNS (b) data step: backup and restore together, then verify ($FORMAT, $JOBS jobs)"
  OUT="$WORK/ours$run.txt"
  c0=$(server_cpu)
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dlogback.configurationFile="$ROOT/bench/logback-bench.xml" \
    -cp "$CP" "$ROOT/bench/DataStepBench.java" \
    "postgresql://postgres@127.0.0.1:$PORT/src" "postgresql://postgres@127.0.0.1:$PORT/dst_b$run" "$BIN" "$FORMAT" "$JOBS" \
    > "$OUT"
  c1=$(server_cpu); OCPU=$(minus "$c1" "$c0")
  get() { sed -n "s/^$1=//p" "$OUT"; }
  OURS=$(get ours_s); VERIFY=$(get verify_s)
  echo "backup_s=$(get backup_s) restore_s=$(get restore_s) verify_s=$VERIFY ours_s=$OURS server_cpu_s=$OCPU"
  HANDS+=" $HAND"; OURS_ALL+=" $OURS"; VERIFIES+=" $VERIFY"
  BACKUPS+=" $(get backup_s)"; RESTORES+=" $(get restore_s)"
  RATIOS+=" $(awk -v o="$OURS" -v h="$HAND" 'BEGIN { printf "%.3f", o / h }')"
  # Without verification the step would end when both the backup and the restore have.
  NOVERIFY+=" $(awk -v o="$OURS" -v v="$VERIFY" -v h="$HAND" 'BEGIN { printf "%.3f", (o - v) / h }')"
  HAND_CPU+=" $HCPU"; OURS_CPU+=" $OCPU"
  "$BIN/dropdb" "dst_a$run"; "$BIN/dropdb" "dst_b$run"
done

m() { echo "$1" | median; }
echo "== summary (SIZE_GB=$SIZE_GB, scale $SCALE, $RUNS runs, medians; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v hand="$(m "$HANDS")" -v ours="$(m "$OURS_ALL")" -v verify="$(m "$VERIFIES")" \
    -v b="$(m "$BACKUPS")" -v r="$(m "$RESTORES")" -v ratio="$(m "$RATIOS")" -v nov="$(m "$NOVERIFY")" \
    -v hcpu="$(m "$HAND_CPU")" -v ocpu="$(m "$OURS_CPU")" -v cores="$(nproc)" 'BEGIN {
  printf "hand-run pg_dump -Fc | pg_restore    : %6.2f s\n", hand
  printf "ours backup                          : %6.2f s\n", b
  printf "ours restore (following the backup)  : %6.2f s (both from the start of the step)\n", r
  printf "ours verify (both sides at once)     : %6.2f s (%.0f%% of the step)\n", verify, 100 * verify / ours
  printf "ours data step                       : %6.2f s = source downtime of the step\n", ours
  printf "ratio ours / hand-run                : %6.2f (median of runs; without verification: %.2f)\n", ratio, nov
  printf "PostgreSQL CPU, hand-run / ours      : %6.2f / %.2f core-seconds (%d cores: ours cannot take less\n", hcpu, ocpu, cores
  printf "                                       than %.2f s of wall time when its PostgreSQL work alone needs that)\n", ocpu / cores
}'
