#!/usr/bin/env bash
# Whole-process wall time of the host audit (release build) against
# virt-host-validate and kvm-ok, in the same run, on the same machine.
# Usage: Benchmarks/audit.sh [runs]   (needs hyperfine, libvirt-clients, cpu-checker)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
for pkg in hyperfine libvirt-clients cpu-checker; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || apt-get install -y -q "$pkg" >&2
done
swift build -c release --product host-audit >&2
bin=$(swift build -c release --show-bin-path)
out=${AUDIT_BENCH_OUT:-/tmp/livcloud-audit-bench.json}
# -i: all three exit non-zero on a host without usable KVM; that is their answer, not a failure.
hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$out" \
  -n host-audit "$bin/host-audit" \
  -n host-audit-json "$bin/host-audit --json" \
  -n virt-host-validate "virt-host-validate qemu" \
  -n kvm-ok "kvm-ok" >&2
python3 - "$out" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ref = r["virt-host-validate"]["median"]
print("| command | median (ms) | min (ms) | max (ms) | ratio to virt-host-validate |")
print("|---|---|---|---|---|")
for name, x in r.items():
    print(f"| {name} | {x['median']*1000:.2f} | {x['min']*1000:.2f} | {x['max']*1000:.2f} | {x['median']/ref:.2f} |")
PY
