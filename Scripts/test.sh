#!/usr/bin/env bash
# The README's test command: sets up what it needs, then runs every test,
# including the lab tests against real libvirtd daemons and QEMU guests, and
# finally the README's main job end to end (audit + a real live migration;
# LIVCLOUD_SKIP_MAIN_JOB=1 skips that last step, e.g. with --filter).
# The lab is torn down afterwards even when tests fail.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/setup.sh
livcloud_setup

swift build --build-tests "$@"
bin=$(swift build --show-bin-path "$@")
export LIVCLOUD_HOST_AUDIT="$bin/host-audit"
export LIVCLOUD_LAB=1
Lab/lab down >/dev/null 2>&1 || true   # a lab left over from an earlier, killed run
log=$(mktemp)
trap 'Lab/lab down >/dev/null 2>&1 || true; rm -f "$log"' EXIT
swift test --skip-build "$@" 2>&1 | tee "$log"

if [ "${LIVCLOUD_SKIP_MAIN_JOB:-0}" != 1 ]; then
  echo "== end to end: Scripts/main-job.sh" >&2
  Lab/lab down >/dev/null 2>&1 || true
  Scripts/main-job.sh
  echo "main job: passed" >&2
fi
# The test runner's own summary, last, where CI reads it.
grep -E "Test run with [0-9]+ tests|Executed [0-9]+ tests" "$log" | tail -n 2
