import HostProbe

/// `SystemProbes` that answer from a scenario's recorded values: the parts
/// of a host (CPUID, MSRs, /dev/kvm ioctls, capabilities, uname) that a
/// file tree cannot hold.
struct RecordedProbes: SystemProbes {
    var leaves: Fact<[CPUIDLeaf]>
    /// MSR index to what reading it gives, the same on every CPU.
    var msrValues: [UInt32: Fact<UInt64>]
    /// Why any MSR not in `msrValues` cannot be read.
    var otherMSRs: UnreadableMSR
    var kvm: Fact<KVMDeviceFacts>
    var capabilities: Fact<ProcessCapabilities>
    var machineName: Fact<String>
    var hostName: String?

    func cpuidLeaves() -> Fact<[CPUIDLeaf]> { leaves }

    func msrs(cpus: [Int], indices: [UInt32]) -> Fact<[CPUMSRs]> {
        .known(cpus.map { cpu in
            CPUMSRs(cpu: cpu, readings: indices.map { MSRReading(index: $0, value: msrValues[$0] ?? otherMSRs.fact(cpu: cpu)) })
        })
    }

    func kvmDevice() -> Fact<KVMDeviceFacts> { kvm }
    func processCapabilities() -> Fact<ProcessCapabilities> { capabilities }
    func machine() -> Fact<String> { machineName }
    func hostname() -> String? { hostName }
}

/// errno values as the kernel reports them (Linux x86).
enum Errno {
    static let ENOENT: Int32 = 2
    static let EIO: Int32 = 5
    static let EACCES: Int32 = 13
    static let EBUSY: Int32 = 16
}

/// Why an MSR read fails, with the reasons `LiveSystemProbes` gives.
enum UnreadableMSR: Sendable {
    /// ENOENT: no /dev/cpu/N/msr (msr module not loaded, or a container).
    case missing
    /// EIO: the CPU or a hypervisor refused the read (#GP).
    case refused
    /// EACCES: the process lacks CAP_SYS_RAWIO.
    case needsRawio

    func fact(cpu: Int) -> Fact<UInt64> {
        switch self {
        case .missing:
            return .unknown("MSR not readable: /dev/cpu/\(cpu)/msr is missing (load the msr module: modprobe msr)", errno: Errno.ENOENT)
        case .refused:
            return .unknown("MSR not readable: the CPU (or a hypervisor) refused the read", errno: Errno.EIO)
        case .needsRawio:
            return .unknown("MSR not readable: needs CAP_SYS_RAWIO (run as root)", errno: Errno.EACCES)
        }
    }
}

/// Ready-made answers of the live-only probes.
enum Recorded {
    static let root = ProcessCapabilities(sysRawio: true, sysAdmin: true, effectiveUID: 0)

    /// /dev/kvm that opens, answers API 12 and creates a VM.
    static func workingKVM(nestedState: Int = 0) -> KVMDeviceFacts {
        KVMDeviceFacts(present: true, deviceNumber: "10:232", openErrno: 0, openedReadWrite: true,
                       apiVersion: .known(12), createVMErrno: .known(0),
                       extensions: ["user_memory": .known(1), "nr_vcpus": .known(4), "max_vcpus": .known(1024),
                                    "nested_state": .known(nestedState), "dirty_log_ring": .known(65536)])
    }

    /// No /dev/kvm node (as `LiveSystemProbes` reports ENOENT).
    static let missingKVM = KVMDeviceFacts(present: false, deviceNumber: nil, openErrno: Errno.ENOENT, openedReadWrite: false,
                                           apiVersion: .unknown("/dev/kvm does not exist"),
                                           createVMErrno: .unknown("/dev/kvm does not exist"), extensions: [:])
}
