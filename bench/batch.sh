#!/usr/bin/env bash
# Benchmark (never run by CI): one `regionmove migration-batch` of APPS bare apps (no addons, so
# no data to move; the data step still runs: stop the source) with CONCURRENCY at once through
# finalize, on `regionmove dev` in a private home with free ports. Prints the batch's summary,
# its wall time, the most migrations that ran at once, and the peak RSS of the dev JVM (the
# worker plus both sandbox regions) and of the Temporal dev server.
#   bench/batch.sh [APPS=50] [CONCURRENCY=10]
set -euo pipefail
cd "$(dirname "$0")/.."
apps="${1:-50}"
concurrency="${2:-10}"
export PATH="$HOME/go/bin:$PATH"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

work="$(mktemp -d /tmp/regionmove-batch-bench.XXXXXX)"
chmod 755 "$work"
home="$work/home"
temporal_port="$(free_port)"
dev_pid=""
sampler_pid=""
cleanup() {
  [[ -n "$sampler_pid" ]] && kill "$sampler_pid" 2>/dev/null || true
  if [[ -n "$dev_pid" ]]; then
    kill "$dev_pid" 2>/dev/null || true
    wait "$dev_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

[[ -f client/target/regionmove.jar ]] || ./regionmove --version >/dev/null
echo "== regionmove dev in $home (Temporal on 127.0.0.1:$temporal_port)"
REGIONMOVE_HOME="$home" ./regionmove dev --home "$home" --temporal-port "$temporal_port" \
  --ui-port "$(free_port)" --api-port-base 0 --rows 10 >"$work/dev.out" 2>&1 &
dev_pid=$!
for _ in $(seq 1 360); do
  grep -qs "regionmove dev is ready" "$work/dev.out" && break
  kill -0 "$dev_pid" 2>/dev/null || { cat "$work/dev.out"; exit 1; }
  sleep 0.5
done
grep -q "regionmove dev is ready" "$work/dev.out" || { cat "$work/dev.out"; exit 1; }
temporal_pid="$(sed -n 's/.*Temporal CLI dev server, pid \([0-9]*\).*/\1/p' "$work/dev.out")"

export REGIONMOVE_REGIONS="$home/regions.json" TEMPORAL_ADDRESS="127.0.0.1:$temporal_port" \
  REGIONMOVE_HOME="$home"
read -r api token < <(python3 -c '
import json, sys
r = [r for r in json.load(open(sys.argv[1]))["regions"] if r["name"] == "agora-fr1"][0]
print(r["api_url"], r["token"])' "$REGIONMOVE_REGIONS")

echo "== creating $apps bare apps in agora-fr1 (web:1, no addons)"
names=()
for i in $(seq -f "%03g" 1 "$apps"); do
  app="bench-$i"
  names+=("$app")
  curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"app\":{\"name\":\"$app\"}}" "$api/v1/apps"
  curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"containers":[{"name":"web","amount":1,"size":"S"}]}' "$api/v1/apps/$app/scale"
done
list="$(IFS=,; echo "${names[*]}")"

idle_dev="$(rss_kb "$dev_pid")"
idle_temporal="$(rss_kb "$temporal_pid")"
(
  peak_dev=0 peak_temporal=0
  while true; do
    d="$(rss_kb "$dev_pid")"; t="$(rss_kb "$temporal_pid")"
    (( d > peak_dev )) && peak_dev=$d
    (( t > peak_temporal )) && peak_temporal=$t
    echo "$peak_dev $peak_temporal" >"$work/peak"
    sleep 0.5
  done
) &
sampler_pid=$!

echo "== migration-batch: $apps apps, $concurrency at once, through finalize"
start="$(date +%s.%N)"
set +e
./regionmove --json --region agora-fr1 migration-batch --to osc-fr1 --apps "$list" \
  --concurrency "$concurrency" --yes >"$work/batch.json" 2>"$work/batch.err"
code=$?
set -e
end="$(date +%s.%N)"
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=""
read -r peak_dev peak_temporal <"$work/peak"

python3 - "$work/batch.json" "$start" "$end" "$code" "$idle_dev" "$peak_dev" \
  "$idle_temporal" "$peak_temporal" <<'PY'
import json, sys
from datetime import datetime
path, start, end, code, idle_dev, peak_dev, idle_t, peak_t = sys.argv[1:]
try:
    batch = json.load(open(path))
except ValueError:
    print("the batch printed no JSON (exit %s); see its stderr" % code)
    sys.exit(1)
def t(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
entries = batch["entries"]
counts = {}
for e in entries:
    counts[e["status"]] = counts.get(e["status"], 0) + 1
events = sorted([(t(e["startedAt"]), 1) for e in entries if e["startedAt"]] +
                [(t(e["finishedAt"]), -1) for e in entries if e["finishedAt"]])
open_, most = 0, 0
for _, d in events:
    open_ += d
    most = max(most, open_)
each = [t(e["finishedAt"]) - t(e["startedAt"]) for e in entries if e["finishedAt"]]
mb = lambda kb: int(kb) / 1024
print("exit %s; statuses %s" % (code, counts))
for e in entries:
    if e["status"] != "done":
        print("  %s: %s %s" % (e["app"], e["status"], e.get("error") or ""))
print("wall time %.1f s (command start to end); batch workflow %.1f s" % (
    float(end) - float(start), t(batch["finishedAt"]) - t(batch["startedAt"])))
print("most at once %d (concurrency %d); each migration %.1f s on average" % (
    most, batch["concurrency"], sum(each) / len(each)))
print("dev JVM (worker + 2 sandbox regions) RSS: %.0f MB idle, %.0f MB peak" % (mb(idle_dev), mb(peak_dev)))
print("Temporal dev server RSS: %.0f MB idle, %.0f MB peak" % (mb(idle_t), mb(peak_t)))
PY
exit "$code"
