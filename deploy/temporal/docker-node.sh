#!/bin/sh
# The entrypoint of the temporal service of docker-compose.yml (image temporalio/server): renders
# config_template.yaml, the template deploy/temporal-cluster.sh renders for each of its nodes, with
# the defaults of a single node in a container, then runs the server.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
: "${POSTGRES_ADDRESS:?POSTGRES_ADDRESS is not set (host:port of Temporal's PostgreSQL)}"
: "${POSTGRES_USER:?POSTGRES_USER is not set}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set}"
: "${LOG_LEVEL:=info}"
: "${NUM_HISTORY_SHARDS:=4}"
: "${BIND_ON_IP:=0.0.0.0}"
# Listening on every interface, the node must tell the others one address they can reach it at.
: "${BROADCAST_ADDRESS:=$(getent hosts "$(hostname)" | awk '{print $1; exit}')}"
: "${PPROF_PORT:=0}"
: "${METRICS_ADDRESS:=0.0.0.0:8000}"
: "${TLS_FRONTEND_CERT:=}"
: "${TLS_FRONTEND_KEY:=}"
: "${TLS_FRONTEND_SERVER_NAME:=}"
: "${TLS_FRONTEND_CA_FILES:=[]}"
: "${FRONTEND_GRPC_PORT:=7233}"
: "${FRONTEND_HTTP_PORT:=7243}"
: "${FRONTEND_MEMBERSHIP_PORT:=6933}"
: "${HISTORY_GRPC_PORT:=7234}"
: "${HISTORY_MEMBERSHIP_PORT:=6934}"
: "${MATCHING_GRPC_PORT:=7235}"
: "${MATCHING_MEMBERSHIP_PORT:=6935}"
: "${WORKER_GRPC_PORT:=7239}"
: "${WORKER_MEMBERSHIP_PORT:=6939}"
: "${CLUSTER_RPC_ADDRESS:=127.0.0.1:$FRONTEND_GRPC_PORT}"
: "${DYNAMIC_CONFIG_FILE:=$here/dynamicconfig.yaml}"
export LOG_LEVEL NUM_HISTORY_SHARDS BIND_ON_IP BROADCAST_ADDRESS PPROF_PORT METRICS_ADDRESS \
  TLS_FRONTEND_CERT TLS_FRONTEND_KEY TLS_FRONTEND_SERVER_NAME TLS_FRONTEND_CA_FILES \
  FRONTEND_GRPC_PORT FRONTEND_HTTP_PORT FRONTEND_MEMBERSHIP_PORT HISTORY_GRPC_PORT \
  HISTORY_MEMBERSHIP_PORT MATCHING_GRPC_PORT MATCHING_MEMBERSHIP_PORT WORKER_GRPC_PORT \
  WORKER_MEMBERSHIP_PORT CLUSTER_RPC_ADDRESS DYNAMIC_CONFIG_FILE
root="${TEMPORAL_ROOT:-/etc/temporal}"
mkdir -p "$root/config"
sh "$here/render-config.sh" "$here/config_template.yaml" "$root/config/cluster.yaml"
exec temporal-server --root "$root" --config config --env cluster --allow-no-auth start
