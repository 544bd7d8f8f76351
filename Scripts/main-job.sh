#!/usr/bin/env bash
# The README's main job: audit this host, then live-migrate a running guest
# between the two libvirt hosts of the local lab with LivCloud, and report.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/setup.sh
livcloud_setup

swift build -c release >&2
bin=$(swift build -c release --show-bin-path)
export LIVCLOUD_HOST_AUDIT="$bin/host-audit"
work=$(mktemp -d)
trap 'Lab/lab down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "== 1. Host audit" >&2
set +e
"$bin/host-audit"
audit_rc=$?
"$bin/host-audit" --json > "$work/audit.json"
set -e
[ "$audit_rc" -eq 0 ] || [ "$audit_rc" -eq 2 ] || { echo "host-audit failed ($audit_rc)" >&2; exit "$audit_rc"; }

echo "== 2. Lab: two libvirt hosts on this machine" >&2
Lab/lab up --audit "$work/audit.json" > "$work/lab.json"
cat "$work/lab.json" >&2
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); 
for k in sys.argv[2].split("."): d=d[k]
print(d)' "$work/lab.json" "$1"; }
src=$(field hosts.a.uri); dst=$(field hosts.b.uri); port=$(field hosts.b.migrate_port)

echo "== 3. A guest dirtying 8 MiB/s on host a" >&2
Lab/lab guest start livcloud-demo --host a --dirty-mib-per-s 8 >&2
before=$(Lab/lab guest heartbeat livcloud-demo)

echo "== 4. Prediction: will it converge, how long, how long paused?" >&2
"$bin/livcloud" predict livcloud-demo --from "$src" --to "$dst" >&2

echo "== 5. Live migration a -> b" >&2
"$bin/livcloud" migrate livcloud-demo --from "$src" --to "$dst" --migrate-uri "tcp://127.0.0.1:$port" --adaptive --json > "$work/result.json"
cat "$work/result.json"
# The heartbeat must go on at the destination: wait (with a deadline) for a
# beat newer than the last one seen when the migration returned.
count() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])["count"])' "$1"; }
at_switch=$(Lab/lab guest heartbeat livcloud-demo)
deadline=$((SECONDS + 30))
after=$at_switch
while [ "$(count "$after")" -le "$(count "$at_switch")" ] && [ $SECONDS -lt $deadline ]; do
  sleep 0.2   # poll interval of a wait on a condition with a deadline
  after=$(Lab/lab guest heartbeat livcloud-demo)
done
echo "heartbeat before: $before" >&2
echo "heartbeat after:  $after" >&2
echo "where: $(Lab/lab guest where livcloud-demo)" >&2
python3 - "$work/result.json" "$at_switch" "$after" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
before, after = json.loads(sys.argv[2]), json.loads(sys.argv[3])
ok = r.get("status") == "completed" and r.get("guest_running_on") == "destination"
alive = after["count"] > before["count"] and after.get("boots") == 1 and after.get("corrupt_pages") == 0
if not alive:
    print(f"main job: the guest's heartbeat did not carry on cleanly: {after}", file=sys.stderr)
ok = ok and alive
print(f"main job: migration {r.get('status')}, guest on {r.get('guest_running_on')}, "
      f"total {r.get('total_ms')} ms, downtime {r.get('downtime_ms')} ms", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
