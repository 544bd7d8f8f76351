import CLivCloudProbe
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Probes this machine through the C shim. Every call blocks (file I/O,
/// ioctls, CPU pinning): call it from a thread of your own, or use
/// `HostFactsCollector.collect(...) async`, which does.
public struct LiveSystemProbes: SystemProbes {
    /// Path of the KVM device, `/dev/kvm` normally.
    public var kvmPath: String

    public init(kvmPath: String = "/dev/kvm") {
        self.kvmPath = kvmPath
    }

    /// Leaves read: the basic and extended maxima, signature, feature bits, hypervisor range.
    public func cpuidLeaves() -> Fact<[CPUIDLeaf]> {
        guard lcp_cpuid_supported() == 1 else { return .unknown("CPUID needs an x86 CPU") }
        var leaves: [CPUIDLeaf] = []
        func read(_ leaf: UInt32) -> CPUIDLeaf? {
            var regs = lcp_cpuid_regs()
            guard lcp_cpuid(leaf, 0, &regs) == 0 else { return nil }
            let value = CPUIDLeaf(leaf: leaf, eax: regs.eax, ebx: regs.ebx, ecx: regs.ecx, edx: regs.edx)
            leaves.append(value)
            return value
        }
        guard let basic = read(0) else { return .unknown("CPUID leaf 0 failed") }
        if basic.eax >= 1, let l1 = read(1), (l1.ecx >> 31) & 1 == 1 {
            _ = read(0x4000_0000)
        }
        if let ext = read(0x8000_0000), ext.eax >= 0x8000_0001 {
            _ = read(0x8000_0001)
        }
        return .known(leaves)
    }

    public func msrs(cpus: [Int], indices: [UInt32]) -> Fact<[CPUMSRs]> {
        let perCPU = cpus.map { cpu in
            CPUMSRs(cpu: cpu, readings: indices.map { index in
                var value: UInt64 = 0
                let rc = lcp_rdmsr("/", Int32(cpu), index, &value)
                if rc == 0 { return MSRReading(index: index, value: .known(value)) }
                return MSRReading(index: index, value: .unknown(Self.msrReason(rc, cpu: cpu), errno: rc))
            })
        }
        return .known(perCPU)
    }

    static func msrReason(_ rc: Int32, cpu: Int) -> String {
        switch rc {
        case ENOENT, ENXIO, ENODEV:
            return "MSR not readable: /dev/cpu/\(cpu)/msr is missing (load the msr module: modprobe msr)"
        case EACCES, EPERM:
            return "MSR not readable: needs CAP_SYS_RAWIO (run as root)"
        case EIO:
            return "MSR not readable: the CPU (or a hypervisor) refused the read"
        default:
            return "MSR not readable"
        }
    }

    public func kvmDevice() -> Fact<KVMDeviceFacts> {
        var info = stat()
        guard stat(kvmPath, &info) == 0 else {
            let err = errno
            if err == ENOENT {
                return .known(KVMDeviceFacts(present: false, deviceNumber: nil, openErrno: ENOENT, openedReadWrite: false,
                                             apiVersion: .unknown("\(kvmPath) does not exist"),
                                             createVMErrno: .unknown("\(kvmPath) does not exist"), extensions: [:]))
            }
            return .unknown("cannot stat \(kvmPath)", errno: err)
        }
        let isChar = (info.st_mode & S_IFMT) == S_IFCHR
        let number = isChar ? "\((info.st_rdev >> 8) & 0xFFF):\((info.st_rdev & 0xFF) | ((info.st_rdev >> 12) & 0xFFF00))" : nil
        var probe = lcp_kvm_probe()
        lcp_kvm_probe_device(kvmPath, &probe)
        let opened = probe.opened_read_write == 1 || probe.open_rdonly_errno == 0
        let api: Fact<Int> = probe.api_version >= 0 ? .known(Int(probe.api_version))
            : opened ? .unknown("KVM_GET_API_VERSION failed", errno: probe.api_version_errno)
            : .unknown("\(kvmPath) could not be opened", errno: probe.open_errno)
        let create: Fact<Int32> = probe.create_vm_attempted == 1 ? .known(probe.create_vm_errno)
            : .unknown("KVM_CREATE_VM not attempted: the device did not answer KVM_GET_API_VERSION")
        var extensions: [String: Fact<Int>] = [:]
        if opened && probe.api_version >= 0 {
            let caps: [(String, Int32)] = [
                ("user_memory", Int32(LCP_KVM_CAP_USER_MEMORY)),
                ("nr_vcpus", Int32(LCP_KVM_CAP_NR_VCPUS)),
                ("max_vcpus", Int32(LCP_KVM_CAP_MAX_VCPUS)),
                ("nested_state", Int32(LCP_KVM_CAP_NESTED_STATE)),
                ("dirty_log_ring", Int32(LCP_KVM_CAP_DIRTY_LOG_RING)),
            ]
            var values = [Int32](repeating: 0, count: caps.count)
            var errnos = [Int32](repeating: 0, count: caps.count)
            let rc = lcp_kvm_check_extensions(kvmPath, caps.map(\.1), Int32(caps.count), &values, &errnos)
            for (i, (name, _)) in caps.enumerated() {
                extensions[name] = rc != 0 ? .unknown("\(kvmPath) could not be opened", errno: rc)
                    : errnos[i] == 0 ? .known(Int(values[i])) : .unknown("KVM_CHECK_EXTENSION failed", errno: errnos[i])
            }
        }
        return .known(KVMDeviceFacts(present: true, deviceNumber: number, openErrno: probe.open_errno,
                                     openedReadWrite: probe.opened_read_write == 1, apiVersion: api,
                                     createVMErrno: create, extensions: extensions))
    }

    public func processCapabilities() -> Fact<ProcessCapabilities> {
        var rawio: Int32 = 0
        var admin: Int32 = 0
        let rc1 = lcp_cap_effective(Int32(LCP_CAP_SYS_RAWIO), &rawio)
        guard rc1 == 0 else { return .unknown("libcap could not read this process's capabilities", errno: rc1) }
        let rc2 = lcp_cap_effective(Int32(LCP_CAP_SYS_ADMIN), &admin)
        guard rc2 == 0 else { return .unknown("libcap could not read this process's capabilities", errno: rc2) }
        return .known(ProcessCapabilities(sysRawio: rawio == 1, sysAdmin: admin == 1, effectiveUID: geteuid()))
    }

    public func machine() -> Fact<String> {
        var names = utsname()
        guard uname(&names) == 0 else { return .unknown("uname failed", errno: errno) }
        let machine = withUnsafeBytes(of: names.machine) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return .known(machine)
    }

    public func hostname() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
