#!/usr/bin/env bash
# Installs the Debian packages LivCloud needs (only those missing) and makes
# sure the Swift toolchain is on PATH. Sourced by main-job.sh, test.sh and .ci/run.
set -euo pipefail

LIVCLOUD_PACKAGES=(
  libvirt-dev libcap-dev                       # build: libvirt and libcap headers
  libvirt-daemon libvirt-daemon-driver-qemu    # the lab: libvirtd with its QEMU driver
  libvirt-daemon-system libvirt-clients        #   virtlogd, virsh, virt-host-validate
  qemu-system-x86 qemu-utils                   #   guests and qcow2 disks
  cpio gnutls-bin iptables iproute2            #   initramfs, TLS certificates, fault injection
  gcc libc6-dev                                #   the guest's static init
  python3                                      #   JSON in the lab script
)

livcloud_missing_packages() {
  local missing=() pkg
  for pkg in "${LIVCLOUD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  printf '%s\n' "${missing[@]}"
}

livcloud_setup() {
  local missing
  missing=$(livcloud_missing_packages | tr '\n' ' ')
  if [ -n "${missing// /}" ]; then
    echo "setup: installing: $missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >&2
  fi
  if ! command -v swift >/dev/null 2>&1; then
    [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
  fi
  command -v swift >/dev/null 2>&1 || { echo "setup: swift toolchain not found (expected /opt/swift)" >&2; return 1; }
}

# Run directly: just set up.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  livcloud_setup
fi
