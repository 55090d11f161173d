#!/usr/bin/env bash
# A real Temporal cluster on this machine: N server nodes (default 2) on 127.0.0.1 sharing one
# private PostgreSQL (persistence and SQL visibility), the namespace `default` and regionmove's
# search attributes registered.
#
#   deploy/temporal-cluster.sh up [--nodes N] [--tls] [--port-base P] [--dir DIR]
#   deploy/temporal-cluster.sh status [--dir DIR]
#   deploy/temporal-cluster.sh env [--dir DIR]     # the export lines for clients and workers
#   deploy/temporal-cluster.sh down [--dir DIR]
#   deploy/temporal-cluster.sh build               # only build (or find) the server binaries
#
# `up` is idempotent: it builds what is missing, starts what is not running, restarts a node whose
# configuration changed, stops nodes beyond N, and leaves the rest alone. `down` stops every node
# and PostgreSQL (the data stays for the next `up`). `status` names each node and its health and
# exits 0 only when every node answers.
#
# State: DIR (default $REGIONMOVE_HOME/cluster, REGIONMOVE_HOME defaulting to .regionmove):
#   cluster.env          the settings of the last `up` (nodes, ports, TLS, history shards)
#   pg/                  PostgreSQL: data, socket, log, the temporal role's password
#   nodeI/config/cluster.yaml, nodeI/server.log, nodeI/server.pid   one directory per node
#   tls/                 with --tls: ca.pem, server.pem and their keys
# Binaries: temporal-server and its SQL tool v$TEMPORAL_VERSION, built with `go install` into
# $REGIONMOVE_TEMPORAL_BIN (default ~/.cache/regionmove/temporal-server-$TEMPORAL_VERSION), or
# taken from ~/go/bin when the binaries there are that version.
#
# Ports of node I (counted from 0), P being --port-base (default 7233):
#   frontend gRPC P+100I, history P+100I+1, matching P+100I+2, worker P+100I+6,
#   frontend HTTP P+100I+10, Prometheus metrics P+100I+11,
#   membership (frontend, history, matching, worker) P-300-100I + 0, 1, 2, 6 (under 32768: the
#   database keeps them as smallint); PostgreSQL P-250. pprof is off.
set -euo pipefail

TEMPORAL_VERSION=1.29.2
SEARCH_ATTRIBUTES=(RegionMigrationApp RegionMigrationSource RegionMigrationDestination RegionMigrationStatus)
NAMESPACE=default
NUM_HISTORY_SHARDS=4

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
template="$here/temporal/config_template.yaml"
dynamic_config="$here/temporal/dynamicconfig.yaml"

die() {
  echo "temporal-cluster: $*" >&2
  exit "${EXIT_CODE:-1}"
}
say() { echo "$*"; }

usage() {
  sed -n '6,10p' "${BASH_SOURCE[0]}" | sed 's/^#  //' >&2
  exit 2
}

# ---- arguments ---------------------------------------------------------------------------------

command="${1:-}"
[ -n "$command" ] || usage
shift
nodes=2
tls=false
port_base=7233
dir="${REGIONMOVE_HOME:-.regionmove}/cluster"
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="${2:?--nodes needs a number}"; shift 2 ;;
    --nodes=*) nodes="${1#*=}"; shift ;;
    --tls) tls=true; shift ;;
    --port-base) port_base="${2:?--port-base needs a port}"; shift 2 ;;
    --port-base=*) port_base="${1#*=}"; shift ;;
    --dir) dir="${2:?--dir needs a directory}"; shift 2 ;;
    --dir=*) dir="${1#*=}"; shift ;;
    -h | --help) usage ;;
    *) EXIT_CODE=2 die "unknown argument '$1'; see the usage at the top of $0." ;;
  esac
done
[[ "$nodes" =~ ^[1-9]$ ]] || EXIT_CODE=2 die "--nodes must be between 1 and 9, not '$nodes'."
# Temporal keeps each node's membership port in a PostgreSQL smallint: they must stay under 32768.
[[ "$port_base" =~ ^[0-9]+$ ]] && [ "$port_base" -ge $((1324 + 100 * (nodes - 1))) ] && [ "$port_base" -le 32761 ] \
  || EXIT_CODE=2 die "--port-base must be between $((1324 + 100 * (nodes - 1))) and 32761 (membership ports P-300-100I must be ports under 32768), not '$port_base'."
# Absolute and normalised: the nodes' configurations and the pid checks name one place.
dir="$(realpath -m "$dir")"

# ---- binaries ----------------------------------------------------------------------------------

bin_dir="${REGIONMOVE_TEMPORAL_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/regionmove/temporal-server-$TEMPORAL_VERSION}"
server_bin="$bin_dir/server"
sql_bin="$bin_dir/sql"
export PATH="$HOME/go/bin:$PATH"

server_version() { "$1" --version 2>/dev/null | grep -o '[0-9][0-9.]*[0-9]' | head -1; }

ensure_binaries() {
  if [ -x "$server_bin" ] && [ -x "$sql_bin" ]; then
    return
  fi
  mkdir -p "$bin_dir"
  if [ -x "$HOME/go/bin/server" ] && [ -x "$HOME/go/bin/sql" ] \
    && [ "$(server_version "$HOME/go/bin/server")" = "$TEMPORAL_VERSION" ]; then
    say "Using the Temporal server $TEMPORAL_VERSION binaries of $HOME/go/bin (copied to $bin_dir)."
    cp "$HOME/go/bin/server" "$HOME/go/bin/sql" "$bin_dir/"
    return
  fi
  command -v go >/dev/null || die "Go is needed to build the Temporal server $TEMPORAL_VERSION (https://go.dev/dl/)."
  say "Building the Temporal server $TEMPORAL_VERSION and its SQL tool into $bin_dir (a few minutes the first time) ..."
  local started=$SECONDS
  GOBIN="$bin_dir" GOTOOLCHAIN=local CGO_ENABLED=0 go install -tags disable_grpc_modules -ldflags='-s -w' \
    "go.temporal.io/server/cmd/server@v$TEMPORAL_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_VERSION" \
    || die "go install of the Temporal server $TEMPORAL_VERSION failed (see above)."
  say "Built in $((SECONDS - started)) s: $server_bin, $sql_bin."
}

temporal_cli() {
  command -v temporal >/dev/null \
    || die "the temporal CLI is needed (go install github.com/temporalio/cli/cmd/temporal@v1.5.1)."
  temporal "$@"
}

# ---- settings ----------------------------------------------------------------------------------

pg_port=$((port_base - 250))
frontend_port() { echo $((port_base + 100 * ($1 - 1))); }
node_address() { echo "127.0.0.1:$(frontend_port "$1")"; }

# The client side of TLS, for the temporal CLI and the SDK alike (their environment configuration).
client_env() {
  export TEMPORAL_ADDRESS="$1" TEMPORAL_NAMESPACE="$NAMESPACE"
  if [ "$tls" = true ]; then
    export TEMPORAL_TLS=true TEMPORAL_TLS_SERVER_CA_CERT_PATH="$dir/tls/ca.pem"
  else
    unset TEMPORAL_TLS TEMPORAL_TLS_SERVER_CA_CERT_PATH
  fi
  unset TEMPORAL_TLS_SERVER_NAME TEMPORAL_TLS_CLIENT_CERT_PATH TEMPORAL_TLS_CLIENT_KEY_PATH TEMPORAL_API_KEY
}

load_settings() {
  if [ -f "$dir/cluster.env" ]; then
    # shellcheck disable=SC1091
    . "$dir/cluster.env"
    nodes="$CLUSTER_NODES" tls="$CLUSTER_TLS" port_base="$CLUSTER_PORT_BASE"
    pg_port=$((port_base - 250))
  else
    die "no cluster in $dir; start one with: $0 up"
  fi
}

save_settings() {
  local shards="$NUM_HISTORY_SHARDS"
  if [ -f "$dir/cluster.env" ]; then
    shards="$(. "$dir/cluster.env" && echo "$CLUSTER_HISTORY_SHARDS")"
  fi
  cat >"$dir/cluster.env" <<EOF
CLUSTER_NODES=$nodes
CLUSTER_TLS=$tls
CLUSTER_PORT_BASE=$port_base
CLUSTER_HISTORY_SHARDS=$shards
EOF
  history_shards="$shards"
}

# ---- PostgreSQL --------------------------------------------------------------------------------

pg_bin() {
  if [ -n "${REGIONMOVE_PG_BIN:-}" ]; then
    echo "$REGIONMOVE_PG_BIN"
    return
  fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$newest" ] || die "the PostgreSQL server programs are missing (apt-get install postgresql, or set REGIONMOVE_PG_BIN)."
  echo "$newest"
}

# Runs a PostgreSQL program as the owner of the data directory: postgres when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_running() { as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg/data" status >/dev/null 2>&1; }

psql_admin() {
  as_pg "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/pg/run" -p "$pg_port" -U postgres -d postgres "$@"
}

start_postgres() {
  local bin
  bin="$(pg_bin)"
  mkdir -p "$dir/pg/run"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir/pg" "$dir/pg/run"
    runuser -u postgres -- test -x "$dir/pg" \
      || die "the postgres user cannot reach $dir (a parent directory is not searchable); choose another --dir."
  fi
  if [ ! -f "$dir/pg/data/PG_VERSION" ]; then
    say "Creating PostgreSQL in $dir/pg/data ..."
    as_pg "$bin/initdb" -D "$dir/pg/data" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 >"$dir/pg/initdb.log" 2>&1 \
      || die "initdb failed; see $dir/pg/initdb.log."
  fi
  local max_connections=$((100 + 100 * nodes))
  as_pg tee "$dir/pg/data/postgresql.auto.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$dir/pg/run'
max_connections = $max_connections
EOF
  if pg_running; then
    # A new max_connections needs a restart; anything else a reload.
    local current
    current="$(psql_admin -At -c 'SHOW max_connections' 2>/dev/null || echo 0)"
    if [ "$current" != "$max_connections" ] || ! psql_admin -At -c 'SHOW port' 2>/dev/null | grep -qx "$pg_port"; then
      say "Restarting PostgreSQL for its new settings ..."
      as_pg "$bin/pg_ctl" -D "$dir/pg/data" -m fast -w -t 60 restart -l "$dir/pg/postgresql.log" >/dev/null \
        || die "PostgreSQL did not restart; see $dir/pg/postgresql.log."
    fi
  else
    say "Starting PostgreSQL on 127.0.0.1:$pg_port ..."
    as_pg "$bin/pg_ctl" -D "$dir/pg/data" -w -t 60 -l "$dir/pg/postgresql.log" start >/dev/null \
      || die "PostgreSQL did not start (is port $pg_port taken?); see $dir/pg/postgresql.log."
  fi
  if [ ! -s "$dir/pg/temporal.password" ]; then
    (umask 077 && openssl rand -hex 16 >"$dir/pg/temporal.password")
  fi
  pg_password="$(cat "$dir/pg/temporal.password")"
  psql_admin <<EOF
SELECT 'CREATE ROLE temporal LOGIN CREATEDB' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'temporal')
\gexec
ALTER ROLE temporal PASSWORD '$pg_password';
EOF
}

stop_postgres() {
  if [ -f "$dir/pg/data/PG_VERSION" ] && pg_running; then
    say "Stopping PostgreSQL ..."
    as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg/data" -m fast -w -t 60 stop >/dev/null
  fi
}

setup_schemas() {
  say "Creating or updating the schemas temporal and temporal_visibility ..."
  SQL_TOOL="$sql_bin" SQL_HOST=127.0.0.1 SQL_PORT="$pg_port" SQL_USER=temporal SQL_PASSWORD="$pg_password" \
    sh "$here/temporal/schema.sh" >"$dir/schema.log" 2>&1 \
    || die "the schema update failed; see $dir/schema.log."
}

# ---- TLS ---------------------------------------------------------------------------------------

generate_tls() {
  local t="$dir/tls"
  if [ -s "$t/ca.pem" ] && [ -s "$t/server.pem" ] && openssl x509 -checkend 86400 -noout -in "$t/server.pem" >/dev/null; then
    return
  fi
  say "Generating a CA and the frontend's certificate in $t ..."
  mkdir -p "$t"
  (
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=regionmove cluster CA" \
      -keyout "$t/ca.key" -out "$t/ca.pem" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
      -keyout "$t/server.key" -out "$t/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' >"$t/server.ext"
    openssl x509 -req -in "$t/server.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial \
      -days 365 -extfile "$t/server.ext" -out "$t/server.pem" >/dev/null 2>&1
  ) || die "openssl could not generate the certificates in $t."
  chmod 644 "$t/ca.pem" "$t/server.pem"
}

# ---- nodes -------------------------------------------------------------------------------------

node_pid() {
  local file="$dir/node$1/server.pid" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--root $dir/node$1 " \
    && echo "$pid"
}

render_node_config() {
  local i=$1 out=$2 base=$((port_base + 100 * ($1 - 1))) member=$((port_base - 300 - 100 * ($1 - 1)))
  local cert="" key="" server_name="" cas="[]"
  if [ "$tls" = true ]; then
    cert="$dir/tls/server.pem" key="$dir/tls/server.key" server_name=localhost cas="[\"$dir/tls/ca.pem\"]"
  fi
  LOG_LEVEL=info NUM_HISTORY_SHARDS="$history_shards" \
    POSTGRES_ADDRESS="127.0.0.1:$pg_port" POSTGRES_USER=temporal POSTGRES_PASSWORD="$pg_password" \
    BROADCAST_ADDRESS=127.0.0.1 BIND_ON_IP=127.0.0.1 PPROF_PORT=0 METRICS_ADDRESS="127.0.0.1:$((base + 11))" \
    TLS_FRONTEND_CERT="$cert" TLS_FRONTEND_KEY="$key" TLS_FRONTEND_SERVER_NAME="$server_name" \
    TLS_FRONTEND_CA_FILES="$cas" \
    FRONTEND_GRPC_PORT="$base" FRONTEND_HTTP_PORT=$((base + 10)) FRONTEND_MEMBERSHIP_PORT="$member" \
    HISTORY_GRPC_PORT=$((base + 1)) HISTORY_MEMBERSHIP_PORT=$((member + 1)) \
    MATCHING_GRPC_PORT=$((base + 2)) MATCHING_MEMBERSHIP_PORT=$((member + 2)) \
    WORKER_GRPC_PORT=$((base + 6)) WORKER_MEMBERSHIP_PORT=$((member + 6)) \
    CLUSTER_RPC_ADDRESS="127.0.0.1:$port_base" DYNAMIC_CONFIG_FILE="$dynamic_config" \
    sh "$here/temporal/render-config.sh" "$template" "$out"
}

health() {
  client_env "$(node_address "$1")"
  temporal_cli operator cluster health --command-timeout 3s 2>/dev/null | grep -q SERVING
}

stop_node() {
  local i=$1 pid
  pid="$(node_pid "$i")" || { rm -f "$dir/node$i/server.pid"; return 0; }
  say "Stopping node$i (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "node$i did not stop within 30 s; killing it."
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$dir/node$i/server.pid"
}

start_node() {
  local i=$1 node="$dir/node$i" started=$SECONDS pid
  say "Starting node$i: frontend $(node_address "$i") ..."
  # setsid: the node outlives this script and its terminal; the pid file names it.
  setsid "$server_bin" --root "$node" --config config --env cluster --allow-no-auth start \
    >>"$node/server.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$node/server.pid"
  for _ in $(seq 1 120); do
    if health "$i"; then
      say "node$i answers (pid $pid, $((SECONDS - started)) s)."
      return
    fi
    kill -0 "$pid" 2>/dev/null || die "node$i exited at start; see $node/server.log."
    sleep 0.5
  done
  die "node$i did not answer within 60 s; see $node/server.log."
}

# The last membership view each node logged for each role holds every node.
ring_complete() {
  local i role count
  for i in $(seq 1 "$nodes"); do
    for role in frontend history matching worker; do
      count="$(grep '"Current reachable members"' "$dir/node$i/server.log" 2>/dev/null \
        | grep "\"service\":\"$role\"" | tail -1 | grep -o '127\.0\.0\.1:[0-9]*' | sort -u | wc -l)"
      [ "$count" = "$nodes" ] || return 1
    done
  done
}

await_ring() {
  for _ in $(seq 1 120); do
    ring_complete && { say "The membership ring holds all $nodes nodes."; return; }
    sleep 0.5
  done
  die "the membership ring did not reach $nodes nodes within 60 s; see $dir/node*/server.log."
}

setup_namespace() {
  say "Registering the namespace $NAMESPACE and the search attributes ..."
  client_env "$(node_address 1)"
  PATH="$PATH" sh "$here/temporal/setup.sh" >"$dir/setup.log" 2>&1 \
    || die "registering the namespace or the search attributes failed; see $dir/setup.log."
  # Each node reads namespaces and search attributes from the database on its own schedule: wait
  # until a visibility query naming all four attributes answers on every node.
  local query="" name i
  for name in "${SEARCH_ATTRIBUTES[@]}"; do
    query="${query:+$query AND }$name = 'probe'"
  done
  for i in $(seq 1 "$nodes"); do
    client_env "$(node_address "$i")"
    for attempt in $(seq 1 90); do
      if temporal_cli workflow count --query "$query" --command-timeout 5s >/dev/null 2>&1; then
        break
      fi
      [ "$attempt" -lt 90 ] || die "node$i does not know the namespace or the search attributes after 90 s."
      sleep 1
    done
  done
}

# ---- commands ----------------------------------------------------------------------------------

print_env() {
  echo "export TEMPORAL_ADDRESS=$(node_address 1)"
  echo "export TEMPORAL_NAMESPACE=$NAMESPACE"
  if [ "$tls" = true ]; then
    echo "export TEMPORAL_TLS_SERVER_CA_CERT_PATH=$dir/tls/ca.pem"
  fi
}

cmd_up() {
  local started=$SECONDS i
  ensure_binaries
  mkdir -p "$dir"
  save_settings
  [ "$tls" = true ] && generate_tls
  start_postgres
  setup_schemas
  for i in $(seq 1 "$nodes"); do
    mkdir -p "$dir/node$i/config"
    render_node_config "$i" "$dir/node$i/config/cluster.yaml.new"
    if node_pid "$i" >/dev/null; then
      if cmp -s "$dir/node$i/config/cluster.yaml.new" "$dir/node$i/config/cluster.yaml" && health "$i"; then
        rm "$dir/node$i/config/cluster.yaml.new"
        say "node$i already runs: frontend $(node_address "$i")."
        continue
      fi
      say "node$i's configuration changed (or it does not answer): restarting it."
      stop_node "$i"
    fi
    mv "$dir/node$i/config/cluster.yaml.new" "$dir/node$i/config/cluster.yaml"
    start_node "$i"
  done
  for i in $(seq $((nodes + 1)) 9); do
    [ -d "$dir/node$i" ] && stop_node "$i"
  done
  await_ring
  setup_namespace
  say ""
  say "Temporal cluster up in $((SECONDS - started)) s: $nodes node(s), frontends $(for i in $(seq 1 "$nodes"); do printf '%s ' "$(node_address "$i")"; done)(TLS: $tls)."
  say "Clients and workers:"
  print_env | sed 's/^/  /'
}

cmd_down() {
  local i
  [ -d "$dir" ] || { say "No cluster in $dir: nothing to stop."; return; }
  if [ -f "$dir/cluster.env" ]; then
    load_settings
  fi
  for i in $(seq 1 9); do
    [ -d "$dir/node$i" ] && stop_node "$i"
  done
  stop_postgres
  say "Temporal cluster in $dir stopped (its data is kept; \`up\` starts it again)."
}

cmd_status() {
  load_settings
  local i pid healthy=0 state
  echo "Temporal cluster in $dir: $nodes node(s), TLS $tls"
  for i in $(seq 1 9); do
    [ -d "$dir/node$i" ] || continue
    if pid="$(node_pid "$i")"; then
      if health "$i"; then
        state="SERVING"
        healthy=$((healthy + 1))
      else
        state="running (pid $pid) but not answering"
      fi
      echo "  node$i  $(node_address "$i")  pid $pid  $state"
    else
      echo "  node$i  $(node_address "$i")  stopped"
    fi
  done
  if [ -f "$dir/pg/data/PG_VERSION" ] && pg_running; then
    echo "  postgresql  127.0.0.1:$pg_port  running"
  else
    echo "  postgresql  127.0.0.1:$pg_port  stopped"
  fi
  [ "$healthy" = "$nodes" ]
}

case "$command" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) load_settings && print_env ;;
  build) ensure_binaries && say "Temporal server $TEMPORAL_VERSION: $server_bin, $sql_bin" ;;
  *) usage ;;
esac
