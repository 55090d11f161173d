#!/bin/sh
# Creates Temporal's two PostgreSQL databases when missing and brings their schemas to the version
# the SQL tool carries (the schemas are embedded in it). Safe to run again. docker-compose.yml runs
# it in the admin-tools image; deploy/temporal-cluster.sh runs it with the tool it builds.
# Environment: SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD; SQL_TOOL (default temporal-sql-tool).
set -eu
tool="${SQL_TOOL:-temporal-sql-tool}"
export SQL_PLUGIN=postgres12
for db in temporal temporal_visibility; do
  case "$db" in
    temporal) schema=postgresql/v12/temporal ;;
    *) schema=postgresql/v12/visibility ;;
  esac
  # `create` fails when the database exists: that is the case on every run but the first, and a
  # real problem (host, password) makes the next two commands fail as well.
  "$tool" --db "$db" create >/dev/null 2>&1 || true
  "$tool" --db "$db" setup-schema -v 0.0
  "$tool" --db "$db" update-schema --schema-name "$schema"
done
