#!/usr/bin/env bash
# Migration policies on the two-host lab, in one run:
#   workloads: idle guest; guest dirtying below the link rate (uncapped);
#              guest dirtying above a 10 MiB/s cap
#   policies:  virsh --live --p2p defaults, Nova-style steps, LivCloud adaptive
# For every run a fresh 128 MiB guest starts on host a, `livcloud bench-migrate`
# measures it, predicts, migrates it to b under a time limit (a run still going
# at the limit is aborted and counts as a failure) and prints one JSON line;
# the guest is then destroyed. Brings the lab up itself (host-audit JSON from
# the release build) and tears it down on exit.
#
# Usage: Benchmarks/migration-policies.sh [OUT.jsonl]
# env:   RUNS (3) runs per converging workload x policy, CAPPED_RUNS (1),
#        BELOW_DIRTY (8) MiB/s, OVER_DIRTY (40) MiB/s, CAP (10) MiB/s,
#        TIME_LIMIT (120) s, BUDGET_MS (300), SCRATCH (.build-bench),
#        LIVCLOUD_LAB_DIR (/tmp/livcloud-lab-bench; ports come from a free slot)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-${TMPDIR:-/tmp}/livcloud-migration-policies-$(date -u +%Y%m%dT%H%M%SZ).jsonl}
RUNS=${RUNS:-3}
CAPPED_RUNS=${CAPPED_RUNS:-1}
BELOW_DIRTY=${BELOW_DIRTY:-8}
OVER_DIRTY=${OVER_DIRTY:-40}
CAP=${CAP:-10}
TIME_LIMIT=${TIME_LIMIT:-120}
BUDGET_MS=${BUDGET_MS:-300}
SCRATCH=${SCRATCH:-$REPO/.build-bench}
export LIVCLOUD_LAB_DIR=${LIVCLOUD_LAB_DIR:-/tmp/livcloud-lab-bench}
LAB="$REPO/Lab/lab"

log() { printf 'bench: %s\n' "$*" >&2; }

log "release build (scratch $SCRATCH)"
(cd "$REPO" && swift build -c release --scratch-path "$SCRATCH" --product livcloud >&2 \
  && swift build -c release --scratch-path "$SCRATCH" --product host-audit >&2)
BIN=$(cd "$REPO" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)
LIVCLOUD=$BIN/livcloud

AUDIT=$(mktemp /tmp/livcloud-bench-audit.XXXXXX.json)
CURRENT=""
cleanup() {
  [[ -n $CURRENT ]] && bash "$LAB" guest destroy "$CURRENT" >/dev/null 2>&1 || true
  log "lab down"
  bash "$LAB" down >/dev/null 2>&1 || true
  rm -f "$AUDIT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# host-audit exits 2 for "emulation only" and still prints the JSON.
"$BIN/host-audit" --json >"$AUDIT" || [[ $? == 2 ]]
STATUS=$(bash "$LAB" up --audit "$AUDIT")
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2], {"d": d}))' "$STATUS" "$1"; }
A=$(field 'd["hosts"]["a"]["uri"]')
B=$(field 'd["hosts"]["b"]["uri"]')
MIGRATE_URI="tcp://127.0.0.1:$(field 'd["hosts"]["b"]["migrate_port"]')"
log "lab up: a=$A b=$B migrate=$MIGRATE_URI accel=$(field 'd["accel"]')"

mkdir -p "$(dirname "$OUT")"
: >"$OUT"
SEQ=0

# run WORKLOAD DIRTY POLICY [bench-migrate options...]
run() {
  local workload=$1 dirty=$2 policy=$3; shift 3
  SEQ=$((SEQ + 1))
  CURRENT="bench-$workload-$policy-$SEQ"
  bash "$LAB" guest start "$CURRENT" --host a --mem-mib 128 --dirty-mib-per-s "$dirty" --wss-mib 64 \
    --persistent >/dev/null
  log "run $SEQ: $workload ($dirty MiB/s) with $policy"
  local line rc=0
  # The command enforces TIME_LIMIT itself; timeout is only a backstop against a hang.
  line=$(timeout $((TIME_LIMIT + 90)) "$LIVCLOUD" bench-migrate "$CURRENT" --from "$A" --to "$B" \
    --migrate-uri "$MIGRATE_URI" --policy "$policy" --time-limit "$TIME_LIMIT" --max-downtime-ms "$BUDGET_MS" \
    --workload "$workload" "$@") || rc=$?
  if [[ $rc != 0 || -z $line ]]; then
    line=$(python3 -c 'import json,sys; print(json.dumps({"workload": sys.argv[1], "policy": sys.argv[2], "success": False, "outcome": "bench-migrate exited %s (hang or error)" % sys.argv[3]}))' "$workload" "$policy" "$rc")
  fi
  local where
  where=$(bash "$LAB" guest where "$CURRENT" 2>/dev/null || echo '{}')
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["lab_where"]=json.loads(sys.argv[2]); d["run"]=int(sys.argv[3]); print(json.dumps(d, sort_keys=True))' \
    "$line" "$where" "$SEQ" >>"$OUT"
  bash "$LAB" guest destroy "$CURRENT" >/dev/null 2>&1 || true
  CURRENT=""
}

# Link estimate for the uncapped workloads: memory_bps of an idle calibration
# migration's completed job (not counted), as `livcloud predict --link-mib`
# would be given it.
run calibration 0 virsh --link-mib 100
LINK=$(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(round((d.get("completed_memory_bps") or d.get("mean_memory_bps") or 104857600)/1048576, 1))' "$OUT")
log "link estimate (uncapped): $LINK MiB/s"

for ((i = 1; i <= RUNS; i++)); do
  for policy in virsh nova adaptive; do
    run idle 0 "$policy" --link-mib "$LINK"
    run below-link "$BELOW_DIRTY" "$policy" --link-mib "$LINK"
  done
done
for ((i = 1; i <= CAPPED_RUNS; i++)); do
  for policy in virsh nova adaptive; do
    run capped "$OVER_DIRTY" "$policy" --bandwidth-mib "$CAP" --allow-post-copy
  done
done

log "results: $OUT"
python3 - "$OUT" "$CAP" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cap = float(sys.argv[2])
rows = [r for r in rows if r.get("workload") != "calibration"]
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
def total(r):  # completed stats, else the migrate call's wall time (post-copy keeps no stats)
    return r.get("total_s") if r.get("total_s") is not None else (r.get("wall_s") if r.get("success") else None)
def fmt(x, d=1):
    return "-" if x is None else f"{x:.{d}f}"
print("| workload | policy | runs | ok | total s | downtime ms | MiB sent | predicted total s (policy) | median abs. error |")
print("|---|---|---|---|---|---|---|---|---|")
summary = {}
for w in ["idle", "below-link", "capped"]:
    for p in ["virsh", "nova", "adaptive"]:
        rs = [r for r in rows if r.get("workload") == w and r.get("policy") == p]
        if not rs: continue
        ok = [r for r in rs if r.get("success")]
        t = med([total(r) for r in ok]); dt = med([r.get("downtime_ms") for r in ok])
        b = med([(r.get("bytes") or 0) / 1048576 if r.get("bytes") else None for r in ok])
        errs = []
        for r in ok:
            pt, at = r.get("predicted_total_s"), total(r)
            if pt is not None and at: errs.append(abs(pt - at) / at * 100)
        pred = med([r.get("predicted_total_s") for r in rs])
        pol = rs[0].get("predicted_policy", "?")
        pconv = all(r.get("predicted_converges") for r in rs)
        summary[(w, p)] = dict(ok=len(ok), n=len(rs), total=t, down=dt, errs=errs)
        print(f"| {w} | {p} | {len(rs)} | {len(ok)} | {fmt(t, 2)} | {fmt(dt, 0)} | {fmt(b)} | "
              f"{fmt(pred, 2) if pconv else 'no convergence'} ({pol}) | {fmt(med(errs), 0) + ' %' if errs else '-'} |")
print()
for w in ["idle", "below-link"]:
    v, a = summary.get((w, "virsh")), summary.get((w, "adaptive"))
    if v and a and v["total"] and a["total"] and v["down"] and a["down"] is not None:
        rd, rt = a["down"] / v["down"], a["total"] / v["total"]
        print(f"- {w}: adaptive/virsh downtime {rd:.2f} (goal <= 0.5), total {rt:.2f} (goal <= 1.1): "
              + ("met" if rd <= 0.5 and rt <= 1.1 else "not met"))
a = summary.get(("capped", "adaptive"))
if a:
    bound = 128 / cap
    ok = a["ok"] == a["n"] and a["total"] is not None and a["total"] <= 3 * bound and (a["down"] is None or a["down"] <= 500)
    print(f"- capped: adaptive {a['ok']}/{a['n']} completed, total {fmt(a['total'])} s vs 3 x memory/cap = {3*bound:.1f} s, "
          f"downtime {fmt(a['down'], 0)} ms (goal <= 500): " + ("met" if ok else "not met")
          + ("" if a["down"] is not None else " (downtime not reported by libvirt after post-copy)"))
errs = [e for s in summary.values() for e in s["errs"]]
if errs:
    m = statistics.median(errs)
    print(f"- prediction: median absolute total-time error {m:.0f} % over {len(errs)} completed runs (goal <= 10 %): "
          + ("met" if m <= 10 else "not met"))
PY
