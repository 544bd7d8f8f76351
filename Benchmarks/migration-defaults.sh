#!/usr/bin/env bash
# LivCloud default policy vs `virsh migrate --live --p2p` defaults, in the lab.
# Usage: Benchmarks/migration-defaults.sh [RUNS]   (default 3 per guest and policy)
# Needs: root, Lab/lab, a built livcloud (LIVCLOUD_BIN or .build-mig/debug/livcloud).
# Prints one JSON line per migration to stderr and a median table to stdout.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-3}
LAB="$ROOT/Lab/lab"
LIVCLOUD=${LIVCLOUD_BIN:-$ROOT/.build-mig/debug/livcloud}
[[ -x $LIVCLOUD ]] || { echo "build livcloud first (swift build --scratch-path .build-mig --product livcloud)" >&2; exit 1; }

if ! STATUS=$("$LAB" status 2>/dev/null); then
  AUDIT_ARGS=()
  if [[ -x $ROOT/.build-mig/debug/host-audit ]]; then
    "$ROOT/.build-mig/debug/host-audit" --json >/tmp/livcloud-bench-audit.json || true
    AUDIT_ARGS=(--audit /tmp/livcloud-bench-audit.json)
  fi
  STATUS=$("$LAB" up "${AUDIT_ARGS[@]}")
fi
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$STATUS" "$1"; }
URI_A=$(field 'd["hosts"]["a"]["uri"]'); URI_B=$(field 'd["hosts"]["b"]["uri"]')
MIG_A="tcp://127.0.0.1:$(field 'd["hosts"]["a"]["migrate_port"]')"
MIG_B="tcp://127.0.0.1:$(field 'd["hosts"]["b"]["migrate_port"]')"
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"; for g in bench-idle bench-dirty; do "$LAB" guest destroy $g >/dev/null 2>&1 || true; done' EXIT

# One migration; prints {"guest","policy","total_ms","downtime_ms","bytes","iterations"}.
migrate_once() { # GUEST POLICY FROM_URI TO_URI MIGRATE_URI
  local g=$1 pol=$2 from=$3 to=$4 mig=$5
  if [[ $pol == livcloud ]]; then
    "$LIVCLOUD" migrate "$g" --from "$from" --to "$to" --migrate-uri "$mig" --json 2>/dev/null |
      python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["status"]=="completed", r
print(json.dumps({"guest":sys.argv[1],"policy":"livcloud","total_ms":r["total_ms"],"downtime_ms":r["downtime_ms"],
 "bytes":r["memory_bytes_sent"],"iterations":r["iterations"]}))' "$g"
  else
    virsh -q -c "$from" migrate --live --p2p "$g" "$to" "$mig" >/dev/null
    virsh -q -c "$to" domjobinfo "$g" --completed | python3 -c '
import json,re,sys
units={"B":1,"KiB":1024,"MiB":1<<20,"GiB":1<<30}
kv={}
for line in sys.stdin:
    if ":" in line:
        k,v=line.split(":",1); kv[k.strip()]=v.strip()
def ms(k): return int(kv[k].split()[0])
def size(k):
    n,u=kv[k].split(); return int(float(n)*units[u])
print(json.dumps({"guest":sys.argv[1],"policy":"virsh","total_ms":ms("Time elapsed"),"downtime_ms":ms("Total downtime"),
 "bytes":size("Memory processed"),"iterations":int(kv.get("Iteration","0"))}))' "$g"
  fi
}

for spec in "bench-idle 0" "bench-dirty 32"; do
  set -- $spec
  g=$1 dirty=$2
  "$LAB" guest destroy "$g" >/dev/null 2>&1 || true
  "$LAB" guest start "$g" --host a --mem-mib 128 --dirty-mib-per-s "$dirty" --wss-mib 64 --transient >/dev/null
  here=a
  for ((i = 1; i <= RUNS; i++)); do
    for pol in virsh livcloud; do   # interleaved, so both see the same machine load
      if [[ $here == a ]]; then
        line=$(migrate_once "$g" "$pol" "$URI_A" "$URI_B" "$MIG_B"); here=b
      else
        line=$(migrate_once "$g" "$pol" "$URI_B" "$URI_A" "$MIG_A"); here=a
      fi
      echo "$line" >&2
      echo "$line" >>"$RESULTS"
    done
  done
  "$LAB" guest destroy "$g" >/dev/null
done

python3 - "$RESULTS" "$RUNS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| guest | policy | runs | total ms (median) | downtime ms (median) | memory sent MiB (median) | passes (median) |")
print("|---|---|---|---|---|---|---|")
for g in ["bench-idle", "bench-dirty"]:
    for p in ["virsh", "livcloud"]:
        r = [x for x in rows if x["guest"] == g and x["policy"] == p]
        if not r: continue
        med = lambda k: statistics.median(x[k] for x in r)
        print(f"| {g} | {p} | {len(r)} | {med('total_ms'):.0f} | {med('downtime_ms'):.0f} | {med('bytes')/2**20:.1f} | {med('iterations'):.0f} |")
PY
