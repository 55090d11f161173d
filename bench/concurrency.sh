#!/usr/bin/env bash
# Benchmark (never run by CI): N migrations (no data) of N sample apps at once through one
# worker process on the Temporal dev server; prints the wall time and the worker's peak RSS.
#   bench/concurrency.sh [N=100]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-100}"
export PATH="$HOME/go/bin:$PATH"
# One reactor build (no install): the worker's classpath then points at the modules' classes.
mvn -q -ntp -pl worker -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="worker/target/test-classes:worker/target/classes:$(cat worker/target/bench.classpath)"
exec java -Xmx1g -Dlogback.configurationFile=logback-test.xml -cp "$cp" \
  io.regionmove.worker.ConcurrentMigrationsBench "$count"
