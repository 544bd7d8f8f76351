#define _GNU_SOURCE
#include "CLivCloudProbe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

_Static_assert(sizeof(lcp_cpuid_regs) == 16, "lcp_cpuid_regs must be four 32-bit registers");
_Static_assert(LCP_KVM_CAP_USER_MEMORY == KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY");
_Static_assert(LCP_KVM_CAP_NR_VCPUS == KVM_CAP_NR_VCPUS, "KVM_CAP_NR_VCPUS");
_Static_assert(LCP_KVM_CAP_MAX_VCPUS == KVM_CAP_MAX_VCPUS, "KVM_CAP_MAX_VCPUS");
_Static_assert(LCP_KVM_CAP_NESTED_STATE == KVM_CAP_NESTED_STATE, "KVM_CAP_NESTED_STATE");
#ifdef KVM_CAP_DIRTY_LOG_RING
_Static_assert(LCP_KVM_CAP_DIRTY_LOG_RING == KVM_CAP_DIRTY_LOG_RING, "KVM_CAP_DIRTY_LOG_RING");
#endif
_Static_assert(LCP_CAP_NET_ADMIN == CAP_NET_ADMIN, "CAP_NET_ADMIN");
_Static_assert(LCP_CAP_SYS_RAWIO == CAP_SYS_RAWIO, "CAP_SYS_RAWIO");
_Static_assert(LCP_CAP_SYS_ADMIN == CAP_SYS_ADMIN, "CAP_SYS_ADMIN");

int lcp_cpuid_supported(void) {
#if defined(__x86_64__) || defined(__i386__)
    return 1;
#else
    return 0;
#endif
}

int lcp_cpuid(uint32_t leaf, uint32_t subleaf, lcp_cpuid_regs *out) {
    if (out == NULL) return EINVAL;
#if defined(__x86_64__) || defined(__i386__)
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(subleaf));
    out->eax = a; out->ebx = b; out->ecx = c; out->edx = d;
    return 0;
#else
    (void)leaf; (void)subleaf;
    memset(out, 0, sizeof(*out));
    return ENOTSUP;
#endif
}

int lcp_cpuid_on_cpu(int cpu, uint32_t leaf, uint32_t subleaf, lcp_cpuid_regs *out) {
    if (cpu < 0 || cpu >= CPU_SETSIZE || out == NULL) return EINVAL;
    cpu_set_t saved, pinned;
    if (sched_getaffinity(0, sizeof(saved), &saved) != 0) return errno;
    CPU_ZERO(&pinned);
    CPU_SET(cpu, &pinned);
    if (sched_setaffinity(0, sizeof(pinned), &pinned) != 0) return errno;
    int rc = lcp_cpuid(leaf, subleaf, out);
    (void)sched_setaffinity(0, sizeof(saved), &saved);
    return rc;
}

int lcp_rdmsr(const char *dev_root, int cpu, uint32_t index, uint64_t *value) {
    if (cpu < 0 || value == NULL) return EINVAL;
    char path[PATH_MAX];
    const char *root = (dev_root == NULL || strcmp(dev_root, "/") == 0) ? "" : dev_root;
    int n = snprintf(path, sizeof(path), "%s/dev/cpu/%d/msr", root, cpu);
    if (n < 0 || (size_t)n >= sizeof(path)) return ENAMETOOLONG;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    uint64_t v = 0;
    ssize_t got;
    do {
        got = pread(fd, &v, sizeof(v), (off_t)index);
    } while (got < 0 && errno == EINTR);
    int err = (got < 0) ? errno : 0;
    close(fd);
    if (got >= 0 && got != (ssize_t)sizeof(v)) return EIO;
    if (err != 0) return err;
    *value = v;
    return 0;
}

static int lcp_ioctl_retry(int fd, unsigned long request, unsigned long arg) {
    int r;
    do {
        r = ioctl(fd, request, arg);
    } while (r < 0 && errno == EINTR);
    return r;
}

void lcp_kvm_probe_device(const char *path, lcp_kvm_probe *out) {
    if (out == NULL) return;
    memset(out, 0, sizeof(*out));
    out->api_version = -1;
    if (path == NULL) { out->open_errno = EINVAL; return; }
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        out->open_errno = errno;
        int ro = open(path, O_RDONLY | O_CLOEXEC);
        if (ro < 0) { out->open_rdonly_errno = errno; return; }
        fd = ro;
    } else {
        out->opened_read_write = 1;
    }
    int version = lcp_ioctl_retry(fd, KVM_GET_API_VERSION, 0);
    if (version < 0) {
        out->api_version_errno = errno;
    } else {
        out->api_version = version;
        out->create_vm_attempted = 1;
        int vm = lcp_ioctl_retry(fd, KVM_CREATE_VM, 0);
        if (vm < 0) out->create_vm_errno = errno; else close(vm);
    }
    close(fd);
}

int lcp_kvm_check_extensions(const char *path, const int *capabilities, int count, int *values, int *errnos) {
    if (path == NULL || capabilities == NULL || values == NULL || errnos == NULL || count < 0) return EINVAL;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    for (int i = 0; i < count; i++) {
        int r = lcp_ioctl_retry(fd, KVM_CHECK_EXTENSION, (unsigned long)capabilities[i]);
        values[i] = r < 0 ? 0 : r;
        errnos[i] = r < 0 ? errno : 0;
    }
    close(fd);
    return 0;
}

int lcp_cap_effective(int cap, int *is_set) {
    if (is_set == NULL) return EINVAL;
    if (!CAP_IS_SUPPORTED(cap)) { *is_set = 0; return EINVAL; }
    cap_t caps = cap_get_proc();
    if (caps == NULL) return errno;
    cap_flag_value_t v = CAP_CLEAR;
    int r = cap_get_flag(caps, (cap_value_t)cap, CAP_EFFECTIVE, &v);
    int err = (r != 0) ? errno : 0;
    cap_free(caps);
    if (err != 0) return err;
    *is_set = (v == CAP_SET) ? 1 : 0;
    return 0;
}
