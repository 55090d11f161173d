#!/usr/bin/env bash
# Benchmarks the MySQL data step against the hand-run tools, in one run on one private MariaDB:
#   (a) mariadb-dump --single-transaction ... src | mariadb dst_a
#   (b) DataActivitiesImpl with the MySQL engine as the workflow runs it: backupAddon and
#       restoreAddon (following the dump as it is written) at the same time, then verifyAddon,
#       into dst_b
#   each run alternating (a) and (b) on fresh databases; medians at the end.
# Usage: bench/mysql-data-step.sh [SIZE_GB=1] [RUNS=3] [MODE=follow|wait]
#   MODE=wait restores once the backup is complete instead of following it.
#   MVN overrides the Maven command (e.g. MVN="mvn -Dmaven.repo.local=/path").
# Not a test; never run in CI. Needs the MariaDB server and client programs
# (apt-get install mariadb-server mariadb-client) and python3 (a free port).
set -euo pipefail

SIZE_GB="${1:-1}"
RUNS="${2:-3}"
MODE="${3:-follow}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MVN="${MVN:-mvn}"

SERVER="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
[[ -x "$SERVER" ]] && command -v mariadb-install-db >/dev/null && command -v mariadb-dump >/dev/null \
  || { echo "MariaDB programs not found: apt-get install mariadb-server mariadb-client" >&2; exit 2; }

WORK="$(mktemp -d /tmp/regionmove-mysql-bench.XXXXXX)"
AS_ROOT=0; [[ "$(id -u)" == 0 ]] && AS_ROOT=1
[[ "$AS_ROOT" == 1 ]] && chown mysql:mysql "$WORK"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
ADMIN_PW="benchadmin$RANDOM"
PW="benchpw$RANDOM"
cleanup() {
  if [[ -f "$WORK/data/mariadbd.pid" ]]; then
    kill "$(cat "$WORK/data/mariadbd.pid")" 2>/dev/null || true
    for _ in $(seq 60); do [[ -f "$WORK/data/mariadbd.pid" ]] || break; sleep 1; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The sandbox server's settings (LocalMariaDb): redo log flushed once a second, no doublewrite.
echo "== private MariaDB on 127.0.0.1:$PORT ($("$SERVER" --version | awk '{print $3}'))"
USER_ARGS=(); [[ "$AS_ROOT" == 1 ]] && USER_ARGS=(--user=mysql)
mariadb-install-db --no-defaults --datadir="$WORK/data" "${USER_ARGS[@]}" --auth-root-authentication-method=normal \
  --skip-test-db --skip-name-resolve > "$WORK/install.log" 2>&1
cat > "$WORK/init.sql" <<SQL
CREATE USER IF NOT EXISTS 'admin'@'127.0.0.1' IDENTIFIED BY '$ADMIN_PW';
GRANT ALL PRIVILEGES ON *.* TO 'admin'@'127.0.0.1' WITH GRANT OPTION;
SQL
[[ "$AS_ROOT" == 1 ]] && chown mysql:mysql "$WORK/init.sql"
setsid "$SERVER" --no-defaults --datadir="$WORK/data" --port="$PORT" --bind-address=127.0.0.1 \
  --socket="$WORK/data/mariadbd.sock" --pid-file="$WORK/data/mariadbd.pid" --log-error="$WORK/mariadb.log" \
  --init-file="$WORK/init.sql" --skip-name-resolve --character-set-server=utf8mb4 \
  --collation-server=utf8mb4_unicode_ci --max-allowed-packet=1G --innodb-flush-log-at-trx-commit=2 \
  --innodb-doublewrite=0 --innodb-buffer-pool-size="${BUFFER_POOL:-512M}" --innodb-log-file-size=256M \
  "${USER_ARGS[@]}" < /dev/null > "$WORK/mariadbd.out" 2>&1 &
CONNECT=(--no-defaults --protocol=TCP --host=127.0.0.1 --port="$PORT" --default-character-set=utf8mb4)
for _ in $(seq 120); do
  MYSQL_PWD="$ADMIN_PW" mariadb "${CONNECT[@]}" -u admin -e "SELECT 1" >/dev/null 2>&1 && break
  sleep 0.5
done
admin() { MYSQL_PWD="$ADMIN_PW" mariadb "${CONNECT[@]}" -u admin "$@"; }
admin -e "SELECT 1" >/dev/null
# An addon database as the sandbox makes one: its own user with every privilege on it only.
addon() {
  admin -e "CREATE DATABASE $1 CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
            CREATE USER '$1'@'%' IDENTIFIED BY '$PW'; GRANT ALL ON \`$(sed 's/_/\\_/g' <<< "$1")\`.* TO '$1'@'%';"
}
dropaddon() { admin -e "DROP DATABASE IF EXISTS $1; DROP USER IF EXISTS '$1'@'%';"; }

S="$(awk -v g="$SIZE_GB" 'BEGIN { print g }')"
n() { awk -v s="$S" -v n="$1" 'BEGIN { v = int(s * n); print (v < 10 ? 10 : v) }'; }
echo "== building src (~$SIZE_GB GB: customers, orders, events, blobs, a view and a trigger)"
addon src
t0=$(date +%s)
MYSQL_PWD="$PW" mariadb "${CONNECT[@]}" -u src src <<SQL
CREATE TABLE customers (
  id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(120) NOT NULL UNIQUE,
  profile JSON, balance DECIMAL(30,10) NOT NULL, created_at DATETIME(6) NOT NULL,
  name_length INT AS (CHAR_LENGTH(name)) STORED);
CREATE TABLE orders (
  id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL,
  quantity SMALLINT NOT NULL, placed_at DATETIME(6) NOT NULL, note VARCHAR(60),
  KEY by_customer (customer_id));
CREATE TABLE events (
  id BIGINT AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(20) NOT NULL, payload JSON NOT NULL,
  score DOUBLE NOT NULL, happened_at DATETIME(6) NOT NULL);
CREATE TABLE blobs (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, data BLOB NOT NULL);
INSERT INTO customers (name, email, profile, balance, created_at)
  SELECT CONCAT('Customer ', seq, IF(seq % 7 = 0, ' Zoë 🎉', '')), CONCAT('c', seq, '@example.com'),
         JSON_OBJECT('tier', seq % 3, 'tags', JSON_ARRAY('b2b', 'vip'), 'since', 2000 + seq % 24),
         seq * 1234.5678901234, TIMESTAMP('2020-01-01') + INTERVAL seq SECOND + INTERVAL seq MICROSECOND
    FROM seq_1_to_$(n 500000);
INSERT INTO orders (customer_id, amount, quantity, placed_at, note)
  SELECT 1 + seq % $(n 500000), (seq % 100000) / 100, 1 + seq % 20,
         TIMESTAMP('2023-01-01') + INTERVAL seq * 7 SECOND + INTERVAL seq MICROSECOND,
         IF(seq % 4 = 0, NULL, CONCAT('order note ', seq))
    FROM seq_1_to_$(n 4000000);
INSERT INTO events (kind, payload, score, happened_at)
  SELECT ELT(1 + seq % 4, 'login', 'logout', 'purchase', 'refund'),
         JSON_OBJECT('n', seq, 'items', JSON_ARRAY(seq % 100, seq % 37), 'agent', 'Mozilla/5.0 (X11; Linux x86_64)'),
         seq / 7e0, TIMESTAMP('2024-01-01') + INTERVAL seq * 3 SECOND
    FROM seq_1_to_$(n 1500000);
INSERT INTO blobs (customer_id, data) SELECT 1 + seq % 1000, RANDOM_BYTES(1024) FROM seq_1_to_$(n 100000);
CREATE VIEW big_orders AS SELECT id, customer_id, amount FROM orders WHERE amount > 900;
CREATE TRIGGER orders_quantity BEFORE INSERT ON orders FOR EACH ROW SET NEW.quantity = GREATEST(NEW.quantity, 1);
ANALYZE TABLE customers, orders, events, blobs;
SQL
admin -N -e "SELECT CONCAT('source: ', ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1048576), ' MB on disk, ',
  SUM(TABLE_ROWS), ' rows (estimated), built in $(( $(date +%s) - t0 )) s') FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'src'"

CP_FILE="$WORK/classpath"
echo "== building the activities' classpath"
(cd "$ROOT" && $MVN -q -B -ntp -pl activities -am compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null)
CP="$ROOT/activities/target/classes:$(cat "$CP_FILE")"

PID="$(cat "$WORK/data/mariadbd.pid")"
server_cpu() {
  read -r -a f < "/proc/$PID/stat"
  awk -v t="$((f[13] + f[14]))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
now() { date +%s.%N; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Each run starts with the dirty pages of the one before written out.
quiet() {
  admin -e "SET GLOBAL innodb_max_dirty_pages_pct = 0" >/dev/null
  for _ in $(seq 120); do
    d="$(admin -N -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'")"
    [[ "$d" -lt 100 ]] && break; sleep 0.5
  done
  admin -e "SET GLOBAL innodb_max_dirty_pages_pct = 90" >/dev/null
  sync
}
DUMP_ARGS=(--single-transaction --routines --triggers --events --hex-blob --tz-utc --quick --max-allowed-packet=1G)

HANDS=""; OURS_ALL=""; RATIOS=""; VERIFIES=""; NOVERIFY=""; BACKUPS=""; RESTORES=""; HAND_CPU=""; OURS_CPU=""
for run in $(seq "$RUNS"); do
  addon "dst_a$run"; addon "dst_b$run"
  quiet
  echo "== run $run/$RUNS (a) mariadb-dump --single-transaction src | mariadb dst_a$run"
  c0=$(server_cpu); t0=$(now)
  MYSQL_PWD="$ADMIN_PW" mariadb-dump "${CONNECT[@]}" -u admin "${DUMP_ARGS[@]}" src \
    | MYSQL_PWD="$ADMIN_PW" mariadb "${CONNECT[@]}" -u admin --binary-mode --max-allowed-packet=1G "dst_a$run"
  t1=$(now); c1=$(server_cpu)
  HAND=$(minus "$t1" "$t0"); HCPU=$(minus "$c1" "$c0"); echo "hand_s=$HAND server_cpu_s=$HCPU"
  quiet
  echo "== run $run/$RUNS (b) data step: backup and restore ($MODE), then verify"
  OUT="$WORK/ours$run.txt"
  c0=$(server_cpu)
  java -Dlogback.configurationFile="$ROOT/bench/logback-bench.xml" -cp "$CP" "$ROOT/bench/MySqlDataStepBench.java" \
    "mysql://src:$PW@127.0.0.1:$PORT/src" "mysql://dst_b$run:$PW@127.0.0.1:$PORT/dst_b$run" "$MODE" > "$OUT"
  c1=$(server_cpu); OCPU=$(minus "$c1" "$c0")
  get() { sed -n "s/^$1=//p" "$OUT"; }
  OURS=$(get ours_s); VERIFY=$(get verify_s)
  echo "backup_s=$(get backup_s) restore_s=$(get restore_s) verify_s=$VERIFY ours_s=$OURS server_cpu_s=$OCPU archive_bytes=$(get backup_bytes) rows=$(get rows)"
  HANDS+=" $HAND"; OURS_ALL+=" $OURS"; VERIFIES+=" $VERIFY"
  BACKUPS+=" $(get backup_s)"; RESTORES+=" $(get restore_s)"
  RATIOS+=" $(awk -v o="$OURS" -v h="$HAND" 'BEGIN { printf "%.3f", o / h }')"
  NOVERIFY+=" $(awk -v o="$OURS" -v v="$VERIFY" -v h="$HAND" 'BEGIN { printf "%.3f", (o - v) / h }')"
  HAND_CPU+=" $HCPU"; OURS_CPU+=" $OCPU"
  dropaddon "dst_a$run"; dropaddon "dst_b$run"
done

m() { echo "$1" | median; }
echo "== summary (SIZE_GB=$SIZE_GB, $RUNS runs, mode $MODE, medians; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v hand="$(m "$HANDS")" -v ours="$(m "$OURS_ALL")" -v verify="$(m "$VERIFIES")" \
    -v b="$(m "$BACKUPS")" -v r="$(m "$RESTORES")" -v ratio="$(m "$RATIOS")" -v nov="$(m "$NOVERIFY")" \
    -v hcpu="$(m "$HAND_CPU")" -v ocpu="$(m "$OURS_CPU")" 'BEGIN {
  printf "hand-run mariadb-dump | mariadb      : %6.2f s\n", hand
  printf "ours backup                          : %6.2f s\n", b
  printf "ours restore                         : %6.2f s (both from the start of the step)\n", r
  printf "ours verify (both sides at once)     : %6.2f s (%.0f%% of the step)\n", verify, 100 * verify / ours
  printf "ours data step                       : %6.2f s = source downtime of the step\n", ours
  printf "ratio ours / hand-run                : %6.2f (median of runs; without verification: %.2f)\n", ratio, nov
  printf "MariaDB CPU, hand-run / ours         : %6.2f / %.2f core-seconds\n", hcpu, ocpu
}'
