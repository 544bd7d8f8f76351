#!/usr/bin/env bash
# The README's test command: sets up what it needs, then runs every test,
# including the lab tests against real libvirtd daemons and QEMU guests.
# The lab is torn down afterwards even when tests fail.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/setup.sh
livcloud_setup

swift build --build-tests "$@"
bin=$(swift build --show-bin-path "$@")
export LIVCLOUD_HOST_AUDIT="$bin/host-audit"
export LIVCLOUD_LAB=1
trap 'Lab/lab down >/dev/null 2>&1 || true' EXIT
Lab/lab down >/dev/null 2>&1 || true   # a lab left over from an earlier, killed run
swift test --skip-build "$@"
