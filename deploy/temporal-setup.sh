#!/bin/sh
# Creates the default namespace and regionmove's search attributes; safe to run again.
set -eu
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 2; done
temporal operator namespace describe --namespace default --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
  || temporal operator namespace create --namespace default --retention 7d --address "$TEMPORAL_ADDRESS"
for name in RegionMigrationApp RegionMigrationSource RegionMigrationDestination RegionMigrationStatus; do
  temporal operator search-attribute create --namespace default --name "$name" --type Keyword \
    --address "$TEMPORAL_ADDRESS" 2>/dev/null || true
done
temporal operator search-attribute list --namespace default --address "$TEMPORAL_ADDRESS"
