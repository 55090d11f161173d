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
#   ... no-daemon the same through ./regionmove with REGIONMOVE_DAEMON=off (flags and archive, a JVM
#                 of its own: the path of a command that finds no daemon)
#   ... cold      the same with no daemon running for its key: the client finds none, starts one in
#                 the background and runs the command without it (measured in a phase of its own,
#                 ROUNDS / 3 times, each time with a new key and the daemon stopped after)
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
echo "Warming the CLI daemon ..."
for _ in $(seq 120); do
  REGIONMOVE_DAEMON_TRACE=1 "$launcher" migrations 2>&1 >/dev/null | grep -q ' ready$' && break
  sleep 1
done
query='WorkflowType="AppMigrationWorkflow" AND RegionMigrationApp="my-app" AND RegionMigrationSource="agora-fr1"'

python3 - "$rounds" "$launcher" "$id" "$query" "$TEMPORAL_ADDRESS" "$before" <<'EOF'
import os, signal, statistics, subprocess, sys, tempfile, time
rounds, launcher, mid, query, address, before = int(sys.argv[1]), *sys.argv[2:]
env = dict(os.environ)
nodaemon = dict(env, REGIONMOVE_DAEMON="off")
commands = [
    ("go list", ["temporal", "workflow", "list", "--address", address, "--query", query], env),
    ("go query", ["temporal", "workflow", "query", "--address", address, "--type", "status",
                  "--workflow-id", mid], env),
    ("migrations", [launcher, "migrations"], env),
    ("follow", [launcher, "migration-follow", mid], env),
    ("help", [launcher, "--help"], env),
    ("migrations no-daemon", [launcher, "migrations"], nodaemon),
    ("follow no-daemon", [launcher, "migration-follow", mid], nodaemon),
    ("help no-daemon", [launcher, "--help"], nodaemon),
]
if before:
    commands += [
        ("migrations before", ["java", "-jar", before, "migrations"], env),
        ("follow before", ["java", "-jar", before, "migration-follow", mid], env),
        ("help before", ["java", "-jar", before, "--help"], env),
    ]
cold = [
    ("go list (cold phase)", commands[0][1]),
    ("migrations cold", [launcher, "migrations"]),
    ("help cold", [launcher, "--help"]),
]
wall = {name: [] for name, _ in cold}
wall.update({name: [] for name, _, _ in commands})
cpu = {name: [] for name in wall}


def proc_cpu(pid):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def measure(name, argv, e, daemon=0):
    daemon_before = proc_cpu(daemon) if daemon else 0.0
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(argv, env=e, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        wall[name].append(time.perf_counter() - start)
        # a warm daemon's command: the client's CPU and the daemon's (clock ticks, 10 ms)
        daemon_cpu = proc_cpu(daemon) - daemon_before if daemon else 0.0
        cpu[name].append(usage.ru_utime + usage.ru_stime + daemon_cpu)
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.exit(f"{name} failed: {' '.join(argv)}\n{err.read().decode()}")


def daemon_pids():
    directory = os.path.join(env.get("HOME", "/"), ".regionmove", "daemon")
    if env.get("XDG_RUNTIME_DIR", "").startswith("/"):
        directory = os.path.join(env["XDG_RUNTIME_DIR"], "regionmove")
    pids = {}
    for f in os.listdir(directory) if os.path.isdir(directory) else []:
        if f.endswith(".pid"):
            try:
                pids[f] = int(open(os.path.join(directory, f)).read().strip() or 0)
            except (OSError, ValueError):
                pass
    return pids


def serves_this_stack(pid):
    try:
        environ = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        return f"REGIONMOVE_HOME={env['REGIONMOVE_HOME']}".encode() in environ
    except OSError:
        return False


warm = [pid for pid in daemon_pids().values() if pid > 0 and serves_this_stack(pid)]
warm_pid = warm[0] if len(warm) == 1 else 0  # the warm daemon's CPU counts with the client's
for r in range(rounds):
    for name, argv, e in commands:
        measure(name, argv, e, warm_pid if name in ("migrations", "follow", "help") else 0)
    print(f"round {r + 1}/{rounds}", file=sys.stderr, end="\r")
# cold: a key no daemon has (REGIONMOVE_* variables are part of it), then that daemon is stopped
for r in range(max(1, rounds // 3)):
    for name, argv in cold:
        before_pids = daemon_pids()
        measure(name, argv, dict(env, REGIONMOVE_BENCH_KEY=f"{name}-{r}-{os.getpid()}"))
        if name.startswith("go"):
            continue
        for _ in range(120):  # until the daemon it started wrote its pid
            started = {f: p for f, p in daemon_pids().items() if f not in before_pids}
            if started and all(p > 0 for p in started.values()):
                break
            time.sleep(0.5)
        for pid in started.values():
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        time.sleep(2)
    print(f"cold round {r + 1}/{max(1, rounds // 3)}", file=sys.stderr, end="\r")
med = {n: statistics.median(v) for n, v in wall.items()}
mcpu = {n: statistics.median(v) for n, v in cpu.items()}
load = os.getloadavg()[0]
print(f"\n{rounds} alternated rounds, medians (load average {load:.1f} on {os.cpu_count()} cores)")
print(f"{'command':<20} {'wall s':>8} {'cpu s':>8} {'wall / go list':>15} {'wall / go query':>16}")
for n in wall:
    print(f"{n:<20} {med[n]:8.3f} {mcpu[n]:8.3f} {med[n] / med['go list']:15.1f} "
          f"{med[n] / med['go query']:16.1f}")
print(f"\nwarm daemon: migrations / go list: {med['migrations'] / med['go list']:.1f}x (target 5x); "
      f"--help: {med['help']:.3f} s (target 0.15 s)")
print(f"cold (no daemon yet): migrations / go list: "
      f"{med['migrations cold'] / med['go list (cold phase)']:.1f}x; --help: {med['help cold']:.3f} s")
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
