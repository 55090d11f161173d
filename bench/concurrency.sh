#!/usr/bin/env bash
# Benchmark (never run by CI): N migrations (no data) of N sample apps at once; prints the wall time
# and each worker's peak RSS.
#   bench/concurrency.sh [N=100]             one worker process on the Temporal dev server
#   bench/concurrency.sh [N=100] --cluster   a two-node Temporal cluster started by
#                                            deploy/temporal-cluster.sh (free ports, state under
#                                            client/target) and three worker processes from the
#                                            shaded jar: one per region, one for the migrations queue
# Extra Maven flags (for example -Dmaven.repo.local=DIR) come from MAVEN_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-100}"
mode="${2:-}"
export PATH="$HOME/go/bin:$PATH"
# shellcheck disable=SC2086
if [ "$mode" = --cluster ]; then
  # The workers run from client/target/regionmove.jar: package it, then run from the reactor.
  mvn -q -ntp ${MAVEN_FLAGS:-} -pl client -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
  root="$PWD"
  cp="$root/client/target/test-classes:$root/client/target/classes:$(cat client/target/bench.classpath)"
  cd client # its state goes under client/target, as the tests'
  # The sandbox regions run in this JVM and rewrite their whole state file on every change (5 MB
  # at 1,000 apps); without a cap, each of Jetty's threads keeps a direct buffer that size.
  exec java -Xmx1g -Djdk.nio.maxCachedBufferSize=262144 \
    -Dregionmove.log.file=target/bench-cluster-driver.log \
    -Dregionmove.jar="$root/client/target/regionmove.jar" -cp "$cp" \
    io.regionmove.deploy.ClusterConcurrencyBench "$count"
fi
# One reactor build (no install): the worker's classpath then points at the modules' classes.
mvn -q -ntp ${MAVEN_FLAGS:-} -pl worker -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="worker/target/test-classes:worker/target/classes:$(cat worker/target/bench.classpath)"
exec java -Xmx1g -Dlogback.configurationFile=logback-test.xml -cp "$cp" \
  io.regionmove.worker.ConcurrentMigrationsBench "$count"
