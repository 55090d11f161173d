#!/bin/sh
# Creates the namespace (TEMPORAL_NAMESPACE, default `default`) and regionmove's search attributes
# when missing; safe to run again. The `temporal` CLI reads TEMPORAL_ADDRESS and the TEMPORAL_TLS_*
# variables itself. docker-compose.yml runs it in the admin-tools image; deploy/temporal-cluster.sh
# runs it against its first node.
set -eu
: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is not set}"
namespace="${TEMPORAL_NAMESPACE:-default}"
tries=0
until temporal operator cluster health >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 90 ]; then
    echo "setup.sh: Temporal at $TEMPORAL_ADDRESS did not answer within 180 s" >&2
    exit 3
  fi
  sleep 2
done
if ! temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$namespace" --retention 7d
fi
# A new namespace reaches the frontend's cache within seconds; search attributes need it there.
tries=0
until temporal operator search-attribute list --namespace "$namespace" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "setup.sh: the namespace $namespace is still unknown to $TEMPORAL_ADDRESS after 60 s" >&2
    exit 1
  fi
  sleep 1
done
# One attribute per call: the server refuses a call that creates several at once on SQL visibility.
for name in RegionMigrationApp RegionMigrationSource RegionMigrationDestination RegionMigrationStatus; do
  if ! temporal operator search-attribute list --namespace "$namespace" | grep -qw "$name"; then
    temporal operator search-attribute create --namespace "$namespace" --name "$name" --type Keyword
  fi
done
temporal operator search-attribute list --namespace "$namespace"
