/*
 * CLivCloudProbe: the smallest C surface LivCloud needs to ask a host about
 * hardware virtualization. Every symbol is prefixed `lcp_`. No function here
 * interprets what it reads: decoding lives in Swift (HostProbe). Failures are
 * returned as errno values (0 = success) so Swift can report them as facts.
 * These calls block (file I/O, ioctls): callers keep them off Swift's
 * cooperative thread pool.
 */
#ifndef CLIVCLOUD_PROBE_H
#define CLIVCLOUD_PROBE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Registers returned by one CPUID instruction. */
typedef struct lcp_cpuid_regs {
    uint32_t eax;
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;
} lcp_cpuid_regs;

/* 1 if this build can execute CPUID (x86/x86_64), 0 otherwise. */
int lcp_cpuid_supported(void);

/* Executes CPUID(leaf, subleaf) on the calling CPU. Returns 0, or ENOTSUP
 * when the architecture has no CPUID instruction. */
int lcp_cpuid(uint32_t leaf, uint32_t subleaf, lcp_cpuid_regs *out);

/* Executes CPUID on a given CPU by pinning the calling thread there for the
 * instruction and restoring its affinity afterwards. Returns 0 or an errno. */
int lcp_cpuid_on_cpu(int cpu, uint32_t leaf, uint32_t subleaf, lcp_cpuid_regs *out);

/* Reads one MSR through the msr driver: pread(8 bytes) at offset `index` of
 * `<dev_root>/dev/cpu/<cpu>/msr`. `dev_root` is "" or "/" for the live host.
 * Returns 0 or an errno (ENOENT: no msr driver, EACCES/EPERM: needs
 * CAP_SYS_RAWIO, EIO: the MSR does not exist or a hypervisor refused it). */
int lcp_rdmsr(const char *dev_root, int cpu, uint32_t index, uint64_t *value);

/* KVM ioctl requests the probe uses, so Swift never needs <linux/kvm.h>. */
enum {
    LCP_KVM_CAP_USER_MEMORY = 3,
    LCP_KVM_CAP_NR_VCPUS = 9,
    LCP_KVM_CAP_MAX_VCPUS = 66,
    LCP_KVM_CAP_NESTED_STATE = 157,
    LCP_KVM_CAP_DIRTY_LOG_RING = 192,
};

/* Result of a /dev/kvm probe. Every *_errno is 0 on success. */
typedef struct lcp_kvm_probe {
    int open_errno;          /* open(path, O_RDWR) */
    int open_rdonly_errno;   /* open(path, O_RDONLY), tried when O_RDWR fails */
    int opened_read_write;   /* 1 when the O_RDWR open succeeded */
    int api_version;         /* KVM_GET_API_VERSION, -1 when not issued/failed */
    int api_version_errno;
    int create_vm_errno;     /* trial KVM_CREATE_VM(0); the VM fd is closed at once */
    int create_vm_attempted;
} lcp_kvm_probe;

/* Opens `path` (normally "/dev/kvm"), asks its API version and tries to
 * create (and at once destroy) a VM. Never leaves a descriptor open. */
void lcp_kvm_probe_device(const char *path, lcp_kvm_probe *out);

/* KVM_CHECK_EXTENSION for `count` capabilities on one descriptor of `path`.
 * Returns 0 (then values[i] holds each answer: 0 = absent, >0 = present or a
 * limit, and errnos[i] is 0 or the ioctl's errno), or the errno of open(). */
int lcp_kvm_check_extensions(const char *path, const int *capabilities, int count, int *values, int *errnos);

/* Linux capability numbers the probe reports (from <linux/capability.h>). */
enum {
    LCP_CAP_NET_ADMIN = 12,
    LCP_CAP_SYS_RAWIO = 17,
    LCP_CAP_SYS_ADMIN = 21,
};

/* Whether `cap` is in the calling process's effective set (libcap).
 * Returns 0 and *is_set (0/1), or an errno. */
int lcp_cap_effective(int cap, int *is_set);

#ifdef __cplusplus
}
#endif
#endif /* CLIVCLOUD_PROBE_H */
