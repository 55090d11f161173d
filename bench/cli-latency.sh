#!/usr/bin/env bash
# How long the CLI takes to answer, side by side with the Go `temporal` CLI, against one dev stack
# (issue 16). A benchmark, not a test: CI never runs it.
#
#   bench/cli-latency.sh [ROUNDS] [BEFORE_JAR]
#
# Starts `regionmove dev` on free ports in a temporary home, takes one migration of my-app to done,
# makes the CLI's start-up archive (REGIONMOVE_CDS=sync), then runs these commands in alternation,
# ROUNDS times each (default 15), and prints the median wall and CPU (user + system) time of each and
# the ratios to the Go CLI:
#   go list       temporal workflow list --query '<the query `migrations` sends>'
#   go query      temporal workflow query --type status --workflow-id <id>
#   migrations    ./regionmove migrations
#   follow        ./regionmove migration-follow <id of the finished migration>
#   help          ./regionmove --help
#   ... no-cds    the same through ./regionmove with REGIONMOVE_CDS=off (flags, no archive)
#   ... before    java -jar BEFORE_JAR ..., when given: what ./regionmove ran before issue 16, with a
#                 jar built from the code before it (the same model, or its queries cannot be read)
# Then it counts, for each regionmove command, the classes loaded and how many came from the archive
# (-Xlog:class+load). The machine is shared: compare the ratios of one run, not absolute times.
set -euo pipefail
rounds="${1:-15}"
before="${2:-}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
launcher="$root/regionmove"
export PATH="$HOME/go/bin:$HOME/.temporalio/bin:$PATH"
command -v temporal >/dev/null || { echo "The temporal CLI is needed (go install github.com/temporalio/cli/cmd/temporal@v1.5.1)." >&2; exit 2; }

work="$(mktemp -d -t regionmove-cli-latency.XXXXXX)"
chmod 755 "$work" # the PostgreSQL cluster of dev runs as the postgres user
ports=($(python3 -c 'import socket
for _ in range(2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'))
echo "Starting regionmove dev in $work (Temporal on 127.0.0.1:${ports[0]}) ..."
"$launcher" dev --home "$work/home" --temporal-port "${ports[0]}" --ui-port "${ports[1]}" \
  --api-port-base 0 >"$work/dev.log" 2>&1 &
dev_pid=$!
cleanup() {
  kill "$dev_pid" 2>/dev/null && wait "$dev_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 600); do
  grep -q 'regionmove dev is ready' "$work/dev.log" && break
  kill -0 "$dev_pid" 2>/dev/null || { cat "$work/dev.log" >&2; exit 1; }
  sleep 0.5
done
export REGIONMOVE_REGIONS="$work/home/regions.json" TEMPORAL_ADDRESS="127.0.0.1:${ports[0]}"
export REGIONMOVE_HOME="$work/home" REGIONMOVE_REGION=agora-fr1 REGIONMOVE_APP=my-app

echo "Migrating my-app to done (create, prepare, finalize) ..."
id="$("$launcher" migration-create --to osc-fr1 | sed -n 's/^Migration ID: //p')"
"$launcher" --yes migration-run --prepare "$id" >/dev/null
"$launcher" --yes migration-run --finalize "$id" >/dev/null
echo "Making the start-up archive ..."
REGIONMOVE_CDS=sync "$launcher" --version >/dev/null
query='WorkflowType="AppMigrationWorkflow" AND RegionMigrationApp="my-app" AND RegionMigrationSource="agora-fr1"'

python3 - "$rounds" "$launcher" "$id" "$query" "$TEMPORAL_ADDRESS" "$before" <<'EOF'
import os, statistics, subprocess, sys, tempfile, time
rounds, launcher, mid, query, address, before = int(sys.argv[1]), *sys.argv[2:]
env = dict(os.environ)
nocds = dict(env, REGIONMOVE_CDS="off")
commands = [
    ("go list", ["temporal", "workflow", "list", "--address", address, "--query", query], env),
    ("go query", ["temporal", "workflow", "query", "--address", address, "--type", "status",
                  "--workflow-id", mid], env),
    ("migrations", [launcher, "migrations"], env),
    ("follow", [launcher, "migration-follow", mid], env),
    ("help", [launcher, "--help"], env),
    ("migrations no-cds", [launcher, "migrations"], nocds),
    ("follow no-cds", [launcher, "migration-follow", mid], nocds),
    ("help no-cds", [launcher, "--help"], nocds),
]
if before:
    commands += [
        ("migrations before", ["java", "-jar", before, "migrations"], env),
        ("follow before", ["java", "-jar", before, "migration-follow", mid], env),
        ("help before", ["java", "-jar", before, "--help"], env),
    ]
wall = {name: [] for name, _, _ in commands}
cpu = {name: [] for name, _, _ in commands}
for r in range(rounds):
    for name, argv, e in commands:
        start = time.perf_counter()
        with tempfile.TemporaryFile() as err:
            p = subprocess.Popen(argv, env=e, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(p.pid, 0)
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(usage.ru_utime + usage.ru_stime)
            if os.waitstatus_to_exitcode(status) != 0:
                err.seek(0)
                sys.exit(f"{name} failed: {' '.join(argv)}\n{err.read().decode()}")
    print(f"round {r + 1}/{rounds}", file=sys.stderr, end="\r")
med = {n: statistics.median(v) for n, v in wall.items()}
mcpu = {n: statistics.median(v) for n, v in cpu.items()}
load = os.getloadavg()[0]
print(f"\n{rounds} alternated rounds, medians (load average {load:.1f} on {os.cpu_count()} cores)")
print(f"{'command':<20} {'wall s':>8} {'cpu s':>8} {'wall / go list':>15} {'wall / go query':>16}")
for n in wall:
    print(f"{n:<20} {med[n]:8.3f} {mcpu[n]:8.3f} {med[n] / med['go list']:15.1f} "
          f"{med[n] / med['go query']:16.1f}")
print(f"\nmigrations / go list: {med['migrations'] / med['go list']:.1f}x (target 5x); "
      f"--help: {med['help']:.3f} s (target 0.15 s)")
EOF

echo
echo "Classes loaded per command (all / from the archive / from the jar):"
for args in "migrations" "migration-follow $id" "--help"; do
  # shellcheck disable=SC2086
  REGIONMOVE_JAVA_OPTS="-Xlog:class+load:file=$work/classes.txt" "$launcher" $args >/dev/null
  all=$(wc -l <"$work/classes.txt")
  top=$(grep -c 'shared objects file (top)' "$work/classes.txt" || true)
  base=$(grep -c 'shared objects file$' "$work/classes.txt" || true)
  printf '  %-24s %5d / %5d (%d JDK base + %d regionmove archive) / %5d\n' "$args" "$all" \
    $((top + base)) "$base" "$top" $((all - top - base)) | sed "s/$id/<id>/"
done
