#!/usr/bin/env bash
# Live cutover against the stop-and-copy data step, on the real stack (Temporal dev server, two
# sandbox regions each with its own PostgreSQL cluster, a worker), in one run:
#   - a pgbench database of SIZE_GB (pgbench_history given a primary key) as a template;
#   - the hand-run pg_dump -Fc | pg_restore of it from one cluster to the other (the copy's anchor);
#   - RUNS times: a live migration (data-live, 5 s of replication, finalize) and a stop-and-copy one
#     (data, then finalize) of a copy of it, while a writer runs pgbench's TPC-B transaction at TPS
#     against whichever region's database the router serves.
# Write-unavailability: from the last transaction the source acknowledged to the first the
# destination did. Medians at the end.
# Usage: bench/live-cutover.sh [SIZE_GB=1] [TPS=200] [RUNS=3]
# Not a test; never run in CI. Needs the PostgreSQL server programs and the temporal CLI.
set -euo pipefail

SIZE_GB="${1:-1}"
TPS="${2:-200}"
RUNS="${3:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MVN="${MVN:-mvn}"

BIN="${REGIONMOVE_PG_BIN:-}"
if [[ -z "$BIN" ]]; then
  BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
fi
[[ -x "$BIN/pgbench" ]] || { echo "PostgreSQL programs (pgbench, pg_dump) not found: apt-get install postgresql, or set REGIONMOVE_PG_BIN" >&2; exit 2; }
export PATH="$HOME/go/bin:$PATH"
command -v temporal >/dev/null || { echo "the temporal CLI is needed (https://docs.temporal.io/cli)" >&2; exit 2; }

WORK="$(mktemp -d /tmp/regionmove-live-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
echo "== building (worker and its test kit)"
(cd "$ROOT" && $MVN -q -B -ntp -pl worker -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath" >/dev/null)
CP="$ROOT/worker/target/test-classes:$ROOT/worker/target/classes:$(cat "$WORK/classpath")"

echo "== SIZE_GB=$SIZE_GB TPS=$TPS RUNS=$RUNS ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
OUT="$WORK/out.txt"
java -Xmx1g -Djdk.httpclient.allowRestrictedHeaders=host -Dlogback.configurationFile="$ROOT/bench/logback-bench.xml" -cp "$CP" \
  "$ROOT/bench/LiveCutoverBench.java" "$SIZE_GB" "$TPS" "$RUNS" "$BIN" | tee "$OUT"

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
values() { sed -n "s/^$1_[0-9]*=//p" "$OUT" | tr '\n' ' '; }
LIVE="$(values live_unavailable_s)"; STOP="$(values stop_unavailable_s)"; COPY="$(values live_copy_s)"
MISSING="$(sed -n 's/^[a-z]*_missing_[0-9]*=//p' "$OUT" | awk '{ s += $1 } END { print s + 0 }')"
echo "== summary (SIZE_GB=$SIZE_GB, $(sed -n 's/^template_size=//p' "$OUT"), TPS=$TPS, $RUNS runs, medians; load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "write-unavailability, live cutover     : $(echo "$LIVE" | median) s   (runs: $LIVE)"
echo "write-unavailability, stop and copy    : $(echo "$STOP" | median) s   (runs: $STOP; data step + finalize)"
echo "initial copy, live (pg_dump --snapshot | pg_restore): $(echo "$COPY" | median) s   (runs: $COPY)"
echo "hand-run pg_dump -Fc | pg_restore      : $(sed -n 's/^hand_pipe_s=//p' "$OUT") s"
echo "acknowledged writes missing in the destination, all runs: $MISSING"
