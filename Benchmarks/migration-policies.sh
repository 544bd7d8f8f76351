#!/usr/bin/env bash
# Migration policies on the two-host lab, in one run:
#   link:      the lab's migration ports shaped to LINK MiB/s (`Lab/lab link-rate`),
#              a link in every stage, like one between two clouds
#   workloads: idle guest; guest dirtying below the link rate;
#              guest dirtying above a CAP MiB/s bandwidth cap (libvirt `bandwidth`)
#   policies:  virsh --live --p2p defaults, Nova-style steps, LivCloud adaptive
# Before the counted runs, CALIBRATION_RUNS idle migrations (not counted)
# measure the link the model is given (median of their achieved rate), as a
# user would measure theirs. Then, for the record, LOOPBACK_RUNS of the first
# two workloads over unshaped loopback (CPU-bound, no link), reported apart.
# For every run a fresh MEM_MIB guest starts on host a, `livcloud bench-migrate`
# measures it (dirty rate, zero pages), predicts, migrates it to b under a time
# limit (a run still going at the limit is aborted and counts as a failure)
# and prints one JSON line; the guest is then destroyed. Brings the lab up
# itself (host-audit JSON from the release build) and tears it down on exit.
#
# Usage: Benchmarks/migration-policies.sh [OUT.jsonl]
# env:   RUNS (5) runs per converging workload x policy, CAPPED_RUNS (3),
#        LOOPBACK_RUNS (2), CALIBRATION_RUNS (2), LINK (32) MiB/s,
#        BELOW_DIRTY (8) MiB/s, OVER_DIRTY (40) MiB/s, CAP (10) MiB/s,
#        MEM_MIB (128), WSS_MIB (64), TIME_LIMIT (120) s, BUDGET_MS (300),
#        SCRATCH (.build-bench),
#        LIVCLOUD_LAB_DIR (/tmp/livcloud-lab-bench; ports come from a free slot)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-${TMPDIR:-/tmp}/livcloud-migration-policies-$(date -u +%Y%m%dT%H%M%SZ).jsonl}
RUNS=${RUNS:-5}
CAPPED_RUNS=${CAPPED_RUNS:-3}
LOOPBACK_RUNS=${LOOPBACK_RUNS:-2}
CALIBRATION_RUNS=${CALIBRATION_RUNS:-2}
LINK=${LINK:-32}
MEM_MIB=${MEM_MIB:-128}
WSS_MIB=${WSS_MIB:-64}
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
  bash "$LAB" guest start "$CURRENT" --host a --mem-mib "$MEM_MIB" --dirty-mib-per-s "$dirty" --wss-mib "$WSS_MIB" \
    --persistent >/dev/null
  log "run $SEQ: $workload ($dirty MiB/s) with $policy"
  local line rc=0
  # The command enforces TIME_LIMIT itself; timeout is only a backstop against a hang.
  line=$(timeout $((TIME_LIMIT + 90)) "$LIVCLOUD" bench-migrate "$CURRENT" --from "$A" --to "$B" \
    --migrate-uri "$MIGRATE_URI" --policy "$policy" --time-limit "$TIME_LIMIT" --max-downtime-ms "$BUDGET_MS" \
    --workload "$workload" "$@") || rc=$?
  if [[ $rc != 0 || -z $line ]]; then
    line=$(python3 -c 'import json,sys; print(json.dumps({"workload": sys.argv[1], "policy": sys.argv[2], "migration": {"status": "failed", "error": "bench-migrate exited %s (hang or error)" % sys.argv[3]}}))' "$workload" "$policy" "$rc")
  fi
  local where
  where=$(bash "$LAB" guest where "$CURRENT" 2>/dev/null || echo '{}')
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["lab_where"]=json.loads(sys.argv[2]); d["run"]=int(sys.argv[3]); print(json.dumps(d, sort_keys=True))' \
    "$line" "$where" "$SEQ" >>"$OUT"
  bash "$LAB" guest destroy "$CURRENT" >/dev/null 2>&1 || true
  CURRENT=""
}

# calibrate LABEL: CALIBRATION_RUNS idle migrations (not counted); sets EST to the
# median of the link rate they achieved as the model counts it
# (CompletedMigrationStats.achievedLink), as `livcloud predict --link-mib`
# would be given it.
calibrate() {
  local label=$1 i
  for ((i = 1; i <= CALIBRATION_RUNS; i++)); do
    run "$label" 0 virsh --link-mib "$LINK"
  done
  EST=$(python3 -c '
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rates = [r["migration"].get("achieved_link_mibps") for r in rows if r.get("workload") == sys.argv[2]]
rates = [r for r in rates if r]
print(round(statistics.median(rates), 2) if rates else sys.argv[3])' "$OUT" "$label" "$LINK")
}

bash "$LAB" link-rate "$LINK" >/dev/null
calibrate calibration
log "link: shaped to $LINK MiB/s; calibration runs achieved $EST MiB/s (the model's link)"
for ((i = 1; i <= RUNS; i++)); do
  for policy in virsh nova adaptive; do
    run idle 0 "$policy" --link-mib "$EST"
    run below-link "$BELOW_DIRTY" "$policy" --link-mib "$EST"
  done
done
for ((i = 1; i <= CAPPED_RUNS; i++)); do
  for policy in virsh nova adaptive; do
    run capped "$OVER_DIRTY" "$policy" --bandwidth-mib "$CAP" --allow-post-copy
  done
done
if ((LOOPBACK_RUNS > 0)); then
  bash "$LAB" link-rate off >/dev/null
  calibrate calibration-loopback
  log "loopback (unshaped): calibration runs achieved $EST MiB/s"
  for ((i = 1; i <= LOOPBACK_RUNS; i++)); do
    for policy in virsh nova adaptive; do
      run idle-loopback 0 "$policy" --link-mib "$EST"
      run below-link-loopback "$BELOW_DIRTY" "$policy" --link-mib "$EST"
    done
  done
fi

log "results: $OUT"
python3 - "$OUT" "$CAP" "$MEM_MIB" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cap, mem = float(sys.argv[2]), float(sys.argv[3])
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
def mig(r):  # the run's outcome, as `livcloud migrate --json` reports it
    return r.get("migration") or {}
def ok(r):
    return mig(r).get("status") == "completed"
def total(r):  # completed stats, else the migrate call's wall time (post-copy keeps no stats)
    m = mig(r)
    return m["total_ms"] / 1000 if m.get("total_ms") is not None else (m.get("wall_clock_s") if ok(r) else None)
def fmt(x, d=1):
    return "-" if x is None else f"{x:.{d}f}"
for r in rows:
    if r.get("workload", "").startswith("calibration"):
        print(f"- {r['workload']}: {fmt(total(r), 2)} s, achieved link {fmt(mig(r).get('achieved_link_mibps'))} MiB/s, "
              f"zero pages {fmt((r.get('zero_page_share') or 0) * 100, 0)} %")
summary = {}
def table(workloads):
    print()
    print("| workload | policy | runs | ok | total s | downtime ms (predicted) | MiB sent (predicted) | predicted total s (policy) | median abs. error | spread of runs |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for w in workloads:
        for p in ["virsh", "nova", "adaptive"]:
            rs = [r for r in rows if r.get("workload") == w and r.get("policy") == p]
            if not rs: continue
            done = [r for r in rs if ok(r)]
            ts = [total(r) for r in done if total(r)]
            t = med(ts); dt = med([mig(r).get("downtime_ms") for r in done])
            b = med([mig(r)["data_bytes_sent"] / 1048576 if mig(r).get("data_bytes_sent") else None for r in done])
            pb = med([r["predicted_bytes"] / 1048576 if r.get("predicted_bytes") else None for r in rs])
            pdt = med([r.get("predicted_downtime_ms") for r in rs])
            errs = [abs(r["predicted_total_s"] - total(r)) / total(r) * 100
                    for r in done if r.get("predicted_total_s") is not None and total(r)]
            # What no predictor can beat: the median distance of identical runs from their median.
            spread = med([abs(x - t) / t * 100 for x in ts]) if len(ts) > 1 else None
            pred = med([r.get("predicted_total_s") for r in rs])
            pol = rs[0].get("predicted_policy", "?")
            pconv = all(r.get("predicted_converges") for r in rs)
            summary[(w, p)] = dict(ok=len(done), n=len(rs), total=t, down=dt, errs=errs)
            print(f"| {w} | {p} | {len(rs)} | {len(done)} | {fmt(t, 2)} | {fmt(dt, 0)} ({fmt(pdt, 0)}) | {fmt(b)} ({fmt(pb)}) | "
                  f"{fmt(pred, 2) if pconv else 'no convergence'} ({pol}) | {fmt(med(errs), 0) + ' %' if errs else '-'} | "
                  f"{fmt(spread, 0) + ' %' if spread is not None else '-'} |")
def goals(prefix, suffix=""):
    for w in ["idle", "below-link"]:
        v, a = summary.get((w + suffix, "virsh")), summary.get((w + suffix, "adaptive"))
        if v and a and v["total"] and a["total"] and v["down"] and a["down"] is not None:
            rd, rt = a["down"] / v["down"], a["total"] / v["total"]
            print(f"- {prefix}{w}: adaptive/virsh downtime {rd:.2f} (goal <= 0.5), total {rt:.2f} (goal <= 1.1): "
                  + ("met" if rd <= 0.5 and rt <= 1.1 else "not met"))
table(["idle", "below-link", "capped"])
print()
goals("")
a = summary.get(("capped", "adaptive"))
if a:
    bound = mem / cap
    met = a["ok"] == a["n"] and a["total"] is not None and a["total"] <= 3 * bound and (a["down"] is None or a["down"] <= 500)
    print(f"- capped: adaptive {a['ok']}/{a['n']} completed, median total {fmt(a['total'])} s vs 3 x memory/cap = {3*bound:.1f} s, "
          f"downtime {fmt(a['down'], 0)} ms (goal <= 500): " + ("met" if met else "not met")
          + ("" if a["down"] is not None else " (downtime not reported by libvirt after post-copy)"))
errs = [e for k, s in summary.items() for e in s["errs"]]
if errs:
    m = statistics.median(errs)
    print(f"- prediction: median absolute total-time error {m:.1f} % over {len(errs)} completed runs (goal <= 10 %): "
          + ("met" if m <= 10 else "not met"))
loop = [w for w in ["idle-loopback", "below-link-loopback"] if any(r.get("workload") == w for r in rows)]
if loop:
    before = set(summary)
    table(loop)
    print()
    goals("loopback ", "-loopback")
    lerrs = [e for k, s in summary.items() if k not in before for e in s["errs"]]
    if lerrs:
        print(f"- loopback prediction: median absolute total-time error {statistics.median(lerrs):.1f} % over {len(lerrs)} runs")
PY
