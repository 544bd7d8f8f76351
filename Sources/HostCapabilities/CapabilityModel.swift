import HostProbe

/// The pure decision: `HostFacts -> HostCapabilities`. No I/O, no clock:
/// the same facts always give the same answer, which is what makes recorded
/// facts useful as tests.
public enum CapabilityModel {
    /// Vendor modules that run KVM on hardware VT.
    public static let hardwareVTBackends = ["kvm_intel", "kvm_amd"]

    public static func decide(_ facts: HostFacts) -> HostCapabilities {
        var reasons: [Reason] = []
        let cpu = cpuStatus(facts, &reasons)
        let hypervisor = hypervisorStatus(facts, &reasons)
        let firmware = firmwareStatus(facts, cpu: cpu, hypervisor: hypervisor, &reasons)
        let kvm = kvmStatus(facts, cpu: cpu, &reasons)

        let strategy: Strategy
        if kvm.usable {
            strategy = hypervisor.present == true ? .nestedKVM : .kvm
            if strategy == .nestedKVM {
                reasons.append(Reason(.nestedKVM, .info,
                    "This host is a VM under \(hypervisor.vendor ?? "a hypervisor") that exposes VT: guests run under nested KVM (expect some overhead on exits).",
                    evidence: [Evidence("hypervisor", hypervisor.vendor ?? "present"), Evidence("kvm backend", kvm.backend ?? "-")]))
            }
        } else {
            strategy = .tcg
            reasons.append(Reason(.tcgFallback, .info,
                "KVM cannot run ordinary guests here, so guests run under QEMU's TCG emulation (correct but several times slower).",
                evidence: [Evidence("kvm.usable", "false")]))
        }
        if facts.origin.kind == .live, kvm.offersNested == false {
            reasons.append(Reason(.nestedNotOffered, .info,
                "\(kvm.backend ?? "The KVM module") does not offer nested virtualization: guests of this host cannot run KVM themselves.",
                evidence: [Evidence("/sys/module/\(kvm.backend ?? "kvm")/parameters/nested", "N")],
                remediation: "modprobe -r \(kvm.backend ?? "kvm_intel") && modprobe \(kvm.backend ?? "kvm_intel") nested=1"))
        }
        let guests = guestSupport(facts, cpu: cpu, kvm: kvm, &reasons)
        return HostCapabilities(origin: facts.origin, strategy: strategy, kvm: kvm, cpu: cpu,
                                hypervisor: hypervisor, firmware: firmware, guests: guests, reasons: reasons)
    }

    // MARK: CPU

    static func cpuStatus(_ facts: HostFacts, _ reasons: inout [Reason]) -> CPUStatus {
        let info = facts.cpuinfo.value
        if case .unknown(let why) = facts.cpuinfo {
            reasons.append(Reason(.cpuinfoUnreadable, .warning, "The kernel's CPU description could not be used: \(why).",
                                  evidence: [Evidence("/proc/cpuinfo", why.description)]))
        }
        if let leaves = facts.cpuid.value {
            let summary = CPUIDSummary(leaves: leaves)
            return CPUStatus(vendor: summary.vendor ?? info?.vendorID, modelName: info?.modelName,
                             vmx: summary.vmx, svm: summary.svm, longMode: summary.longMode, source: "cpuid")
        }
        if case .unknown(let why) = facts.cpuid, facts.origin.kind == .live {
            reasons.append(Reason(.cpuidUnknown, .warning, "CPUID could not be read: \(why).",
                                  evidence: [Evidence("CPUID", why.description)]))
        }
        guard let info else {
            return CPUStatus(vendor: nil, modelName: nil, vmx: nil, svm: nil, longMode: nil, source: "none")
        }
        // cpuinfo shows vmx/svm only when the kernel can use them: absence is
        // not proof that the CPU lacks VT (firmware may have disabled it).
        let vendor = info.vendorID
        let isIntel = vendor == "GenuineIntel"
        let isAMD = vendor == "AuthenticAMD" || vendor == "HygonGenuine"
        let vmx: Bool? = info.hasFlag("vmx") ? true : (isAMD ? false : nil)
        let svm: Bool? = info.hasFlag("svm") ? true : (isIntel ? false : nil)
        return CPUStatus(vendor: vendor, modelName: info.modelName, vmx: vmx, svm: svm,
                         longMode: info.hasFlag("lm"), source: "cpuinfo")
    }

    // MARK: Hypervisor

    /// PCI vendors of emulated devices that name a hypervisor (as util-linux's lscpu does).
    static let hypervisorPCIVendors: [UInt16: String] = [
        0x80EE: "Oracle", 0x15AD: "VMware", 0x5853: "Xen", 0x1414: "Microsoft",
    ]

    static let dmiHypervisors: [(needle: String, vendor: String)] = [
        ("VMware", "VMware"), ("VirtualBox", "Oracle"), ("innotek", "Oracle"), ("QEMU", "KVM"),
        ("KVM", "KVM"), ("Xen", "Xen"), ("Microsoft Corporation", "Microsoft"), ("Parallels", "Parallels"),
        ("Amazon EC2", "KVM"), ("Google Compute Engine", "KVM"), ("BHYVE", "bhyve"), ("OpenStack", "KVM"),
    ]

    static func hypervisorStatus(_ facts: HostFacts, _ reasons: inout [Reason]) -> HypervisorStatus {
        var evidence: [Evidence] = []
        var vendor: String?
        var present: Bool?
        if let leaves = facts.cpuid.value {
            let summary = CPUIDSummary(leaves: leaves)
            if let bit = summary.hypervisorBit {
                present = bit
                evidence.append(Evidence("CPUID 0x1 ECX[31]", bit ? "1" : "0"))
            }
            if let signature = summary.hypervisorSignature {
                vendor = summary.hypervisorVendor
                evidence.append(Evidence("CPUID 0x40000000 signature", "\"\(signature)\""))
            }
        } else if let info = facts.cpuinfo.value {
            present = info.hasFlag("hypervisor")
            evidence.append(Evidence("/proc/cpuinfo flags", info.hasFlag("hypervisor") ? "hypervisor" : "no 'hypervisor' flag"))
        }
        if let type = facts.sysHypervisorType.value, !type.isEmpty {
            present = true
            vendor = vendor ?? (type == "xen" ? "Xen" : type)
            evidence.append(Evidence("/sys/hypervisor/type", type))
        }
        if facts.procXenPresent {
            present = true
            vendor = vendor ?? "Xen"
            evidence.append(Evidence("/proc/xen", "exists"))
        }
        let dmiText = [facts.dmi.sysVendor, facts.dmi.productName, facts.dmi.biosVendor, facts.dmi.boardVendor]
            .compactMap(\.value).joined(separator: " ")
        if let match = dmiHypervisors.first(where: { dmiText.containsIgnoringCase($0.needle) }) {
            present = true
            vendor = vendor ?? match.vendor
            evidence.append(Evidence("/sys/class/dmi/id", dmiText))
        }
        if let devices = facts.pciDevices.value,
           let device = devices.first(where: { hypervisorPCIVendors[$0.vendor] != nil }) {
            present = true
            vendor = vendor ?? hypervisorPCIVendors[device.vendor]
            evidence.append(Evidence("PCI devices", String.hex4(device.vendor) + ":" + String.hex4(device.device)))
        }
        if present == true {
            reasons.append(Reason(.hypervisorDetected, .info,
                "This host is a virtual machine\(vendor.map { " under \($0)" } ?? "").", evidence: evidence))
        }
        return HypervisorStatus(present: present, vendor: vendor)
    }

    // MARK: Firmware

    static func firmwareStatus(_ facts: HostFacts, cpu: CPUStatus, hypervisor: HypervisorStatus,
                               _ reasons: inout [Reason]) -> FirmwareStatus {
        let isIntel = cpu.vendor == "GenuineIntel"
        let isAMD = cpu.vendor == "AuthenticAMD" || cpu.vendor == "HygonGenuine"
        let cpuHasVT: Bool? = isIntel ? cpu.vmx : isAMD ? cpu.svm : (cpu.vmx == true || cpu.svm == true ? true : nil)
        let vtName = isAMD ? "AMD-V (svm)" : "VT-x (vmx)"
        let vtSource = isAMD ? "CPUID 0x80000001 ECX[2]" : "CPUID 0x1 ECX[5]"

        if cpuHasVT == false, cpu.source == "cpuid" {
            if hypervisor.present == true {
                reasons.append(Reason(.vtNotExposed, .blocker,
                    "The hypervisor below (\(hypervisor.vendor ?? "unknown")) does not expose \(vtName) to this VM, so KVM cannot run here.",
                    evidence: [Evidence(vtSource, "0"), Evidence("CPUID 0x1 ECX[31]", "1")],
                    remediation: "Use an instance type or provider that enables nested virtualization, or accept TCG."))
                return FirmwareStatus(state: .notExposed, vtLockedOff: false)
            }
            reasons.append(Reason(.vtAbsent, .blocker, "The CPU has no \(vtName).",
                                  evidence: [Evidence(vtSource, "0")]))
            return FirmwareStatus(state: .absent, vtLockedOff: false)
        }

        // Read the lock MSRs on every CPU.
        let index = isAMD ? MSRIndex.amdVMCR : MSRIndex.featureControl
        let name = isAMD ? "VM_CR (0xC0010114)" : "IA32_FEATURE_CONTROL (0x3A)"
        var known: [(cpu: Int, value: UInt64)] = []
        var unreadable: [(cpu: Int, why: UnknownFact)] = []
        if let perCPU = facts.msrs.value, isIntel || isAMD {
            for entry in perCPU {
                switch entry.reading(index) {
                case .known(let value)?: known.append((entry.cpu, value))
                case .unknown(let why)?: unreadable.append((entry.cpu, why))
                case nil: break
                }
            }
        }
        func lockedOff(_ value: UInt64) -> Bool {
            isAMD ? (value >> 3) & 1 == 1 && (value >> 4) & 1 == 1 : value & 1 == 1 && (value >> 2) & 1 == 0
        }
        func disabledUnlocked(_ value: UInt64) -> Bool { isAMD && (value >> 4) & 1 == 1 && (value >> 3) & 1 == 0 }

        if !unreadable.isEmpty {
            let first = unreadable[0]
            reasons.append(Reason(.msrUnreadable, .warning,
                "\(name) could not be read on \(unreadable.count) CPU(s): \(first.why.reason).",
                evidence: unreadable.prefix(4).map { Evidence("MSR \(name) on CPU \($0.cpu)", $0.why.description) },
                remediation: first.why.errno == 2 ? "modprobe msr" : (first.why.errno == 13 || first.why.errno == 1) ? "Run the audit as root (CAP_SYS_RAWIO)." : nil))
            if let caps = facts.processCapabilities.value, !caps.sysRawio {
                reasons.append(Reason(.rawioMissing, .warning,
                    "The audit ran without CAP_SYS_RAWIO, which reading MSRs needs: the firmware lock state stays unknown.",
                    evidence: [Evidence("process capabilities", "no CAP_SYS_RAWIO (euid \(caps.effectiveUID))")],
                    remediation: "Run the audit as root with CAP_SYS_RAWIO (in a container: --cap-add SYS_RAWIO and --device /dev/cpu/N/msr for every CPU)."))
            }
        }
        let lockedCPUs = known.filter { lockedOff($0.value) }
        if !lockedCPUs.isEmpty {
            reasons.append(Reason(.vtLockedOff, .blocker,
                "Firmware locked \(vtName) off on \(lockedCPUs.count) of \(known.count + unreadable.count) CPU(s).",
                evidence: lockedCPUs.prefix(4).map { Evidence("MSR \(name) on CPU \($0.cpu)", "0x" + String($0.value, radix: 16)) },
                remediation: "Enable \(isAMD ? "SVM" : "Intel Virtualization Technology (VT-x)") in the firmware (BIOS/UEFI) setup and power-cycle."))
            return FirmwareStatus(state: .lockedOff, vtLockedOff: true)
        }
        if let disabled = known.first(where: { disabledUnlocked($0.value) }) {
            reasons.append(Reason(.vtDisabledUnlocked, .warning,
                "SVM is disabled (VM_CR.SVMDIS) but not locked: software can enable it.",
                evidence: [Evidence("MSR \(name) on CPU \(disabled.cpu)", "0x" + String(disabled.value, radix: 16))]))
            return FirmwareStatus(state: .disabledUnlocked, vtLockedOff: false)
        }
        // The kernel hides vmx/svm from cpuinfo when it cannot use them.
        if cpuHasVT == true, cpu.source == "cpuid", let info = facts.cpuinfo.value,
           !info.hasFlag(isAMD ? "svm" : "vmx") {
            reasons.append(Reason(.vtHiddenByKernel, .blocker,
                "The CPU reports \(vtName) but the kernel does not list it in /proc/cpuinfo: firmware or the kernel disabled it.",
                evidence: [Evidence(vtSource, "1"), Evidence("/proc/cpuinfo flags", "no \(isAMD ? "svm" : "vmx")")],
                remediation: "Enable VT in the firmware setup; check the kernel log for 'disabled by bios'."))
            return FirmwareStatus(state: unreadable.isEmpty && !known.isEmpty ? .enabled : .unknown, vtLockedOff: nil)
        }
        if cpuHasVT == true {
            if !known.isEmpty && unreadable.isEmpty {
                reasons.append(Reason(.vtAvailable, .info, "\(vtName) is present and not locked off by firmware.",
                    evidence: [Evidence(cpu.source == "cpuid" ? vtSource : "/proc/cpuinfo flags", "set"),
                               Evidence("MSR \(name)", "not locked off on \(known.count) CPU(s)")]))
                return FirmwareStatus(state: .enabled, vtLockedOff: false)
            }
            if cpu.source == "cpuinfo" {
                // The kernel only lists vmx/svm when it can use them, so firmware allows VT.
                reasons.append(Reason(.vtAvailable, .info, "\(vtName) is listed by the kernel, so firmware has not locked it off.",
                    evidence: [Evidence("/proc/cpuinfo flags", isAMD ? "svm" : "vmx")]))
                return FirmwareStatus(state: .enabled, vtLockedOff: false)
            }
            reasons.append(Reason(.vtAvailable, .info, "\(vtName) is present; its firmware lock state could not be read.",
                evidence: [Evidence(vtSource, "1")]))
            return FirmwareStatus(state: .unknown, vtLockedOff: nil)
        }
        reasons.append(Reason(.vtStateUnknown, .warning,
            "Whether the CPU has VT, and whether firmware enabled it, cannot be told from these facts: the kernel lists no vmx/svm, which happens both when the CPU lacks VT and when firmware disabled it.",
            evidence: [Evidence("/proc/cpuinfo flags", "no vmx, no svm"),
                       Evidence("CPUID", facts.cpuid.unknownReason?.description ?? "not read")],
            remediation: "Run the audit live as root to read CPUID and the lock MSRs."))
        return FirmwareStatus(state: .unknown, vtLockedOff: nil)
    }

    // MARK: KVM

    static func kvmStatus(_ facts: HostFacts, cpu: CPUStatus, _ reasons: inout [Reason]) -> KVMStatus {
        let vendorModules = facts.modules.kvmModules.filter { $0 != "kvm" }
        let backend = vendorModules.first(where: hardwareVTBackends.contains) ?? vendorModules.first
        let kind: KVMStatus.BackendKind = backend.map { hardwareVTBackends.contains($0) ? .hardwareVT : .other } ?? .none
        let offersNested = backend.flatMap { facts.modules.parameters[$0]?["nested"] }.map { ["Y", "y", "1"].contains($0) }

        guard let device = facts.kvmDevice.value else {
            let why = facts.kvmDevice.unknownReason?.description ?? "not probed"
            reasons.append(Reason(.kvmUnverified, .warning,
                "Whether KVM works cannot be verified: \(why). KVM is only reported usable after /dev/kvm created a VM.",
                evidence: [Evidence("/dev/kvm", why), Evidence("kvm modules", vendorModules.isEmpty ? "none" : vendorModules.joined(separator: ", "))],
                remediation: "Run the audit live on the host."))
            return KVMStatus(devicePresent: nil, opens: nil, usable: false, backend: backend, backendKind: kind,
                             apiVersion: nil, offersNested: offersNested)
        }
        var usable = true
        let opens = device.present ? (device.openErrno == 0) : false
        if !device.present {
            usable = false
            reasons.append(Reason(.kvmDeviceMissing, .blocker, "/dev/kvm does not exist.",
                evidence: [Evidence("/dev/kvm", "ENOENT"), Evidence("kvm modules", vendorModules.isEmpty ? "none" : vendorModules.joined(separator: ", "))],
                remediation: vendorModules.isEmpty ? "Load the KVM module for this CPU (modprobe kvm_intel or kvm_amd)." : nil))
        } else if device.openErrno != 0 {
            usable = false
            reasons.append(Reason(.kvmDeviceNotOpenable, .blocker,
                "/dev/kvm exists but cannot be opened read-write: \(ErrnoName.describe(device.openErrno)).",
                evidence: [Evidence("open(/dev/kvm, O_RDWR)", ErrnoName.describe(device.openErrno))],
                remediation: device.openErrno == 13 ? "Add the user to the 'kvm' group or run as root." : nil))
        }
        if device.present, let version = device.apiVersion.value, version != 12 {
            usable = false
            reasons.append(Reason(.kvmAPIMismatch, .blocker, "/dev/kvm reports API version \(version), not 12.",
                                  evidence: [Evidence("ioctl KVM_GET_API_VERSION", "\(version)")]))
        }
        if device.present, device.openErrno == 0 {
            switch device.createVMErrno {
            case .known(let errno) where errno != 0:
                usable = false
                reasons.append(Reason(.kvmCreateVMFailed, .blocker,
                    "/dev/kvm opens but refuses to create a VM: \(ErrnoName.describe(errno)).",
                    evidence: [Evidence("ioctl KVM_CREATE_VM", ErrnoName.describe(errno))],
                    remediation: errno == 16 ? "Another hypervisor holds VT (EBUSY): stop VirtualBox/VMware or unload its module." : nil))
            case .unknown(let why):
                usable = false
                reasons.append(Reason(.kvmCreateVMFailed, .blocker, "No VM could be created on /dev/kvm: \(why).",
                                      evidence: [Evidence("ioctl KVM_CREATE_VM", why.description)]))
            default: break
            }
        }
        switch kind {
        case .hardwareVT: break
        case .other:
            usable = false
            reasons.append(Reason(.kvmBackendNotVT, .blocker,
                "/dev/kvm is served by \(backend!), not by kvm_intel or kvm_amd: it does not run ordinary guests on hardware VT, so a working /dev/kvm is not proof that KVM works here.",
                evidence: [Evidence("/sys/module", vendorModules.joined(separator: ", ")),
                           Evidence("ioctl KVM_CREATE_VM", device.createVMErrno.value.map { $0 == 0 ? "succeeded" : ErrnoName.describe($0) } ?? "not attempted")],
                remediation: "Run guests under TCG here, or move to a host whose KVM uses VT-x/AMD-V."))
        case .none, .unknown:
            if device.present {
                usable = false
                reasons.append(Reason(.kvmBackendMissing, .blocker,
                    "/dev/kvm exists but no kvm_intel/kvm_amd module is loaded, so what serves it is unknown.",
                    evidence: [Evidence("/proc/modules, /sys/module", "no kvm vendor module")]))
            }
        }
        let cpuVT = cpu.vendor == "AuthenticAMD" || cpu.vendor == "HygonGenuine" ? cpu.svm : cpu.vmx
        if kind == .hardwareVT, cpuVT != true {
            usable = false
        }
        if usable {
            reasons.append(Reason(.kvmUsable, .info,
                "KVM is usable: /dev/kvm opened, API \(device.apiVersion.value ?? 0), a trial VM was created, and \(backend!) runs it on hardware VT.",
                evidence: [Evidence("ioctl KVM_GET_API_VERSION", "\(device.apiVersion.value ?? 0)"),
                           Evidence("ioctl KVM_CREATE_VM", "succeeded"), Evidence("/sys/module", backend!)]))
            extensionWarnings(facts, backend: backend!, &reasons)
        }
        return KVMStatus(devicePresent: device.present, opens: opens, usable: usable, backend: backend,
                         backendKind: kind, apiVersion: device.apiVersion.value, offersNested: offersNested)
    }

    /// EPT / unrestricted guest on Intel: from the module parameters, the kernel's vmx flags, or MSR 0x48B.
    static func extensionWarnings(_ facts: HostFacts, backend: String, _ reasons: inout [Reason]) {
        guard backend == "kvm_intel" else { return }
        let params = facts.modules.parameters["kvm_intel"] ?? [:]
        let vmxFlags = facts.cpuinfo.value?.vmxFlags
        let ctls2 = facts.msrs.value?.first?.reading(MSRIndex.vmxProcbasedCtls2)?.value
        func feature(param: String, flag: String, msrBit: UInt64) -> (Bool?, Evidence?) {
            if let value = params[param] {
                return (["Y", "y", "1"].contains(value), Evidence("/sys/module/kvm_intel/parameters/\(param)", value))
            }
            if let flags = vmxFlags {
                return (flags.contains(flag), Evidence("/proc/cpuinfo vmx flags", flags.contains(flag) ? flag : "no \(flag)"))
            }
            if let ctls2 {
                let set = (ctls2 >> msrBit) & 1 == 1
                return (set, Evidence("MSR 0x48B bit \(msrBit)", set ? "1" : "0"))
            }
            return (nil, nil)
        }
        let (ug, ugEvidence) = feature(param: "unrestricted_guest", flag: "unrestricted_guest", msrBit: 39)
        if ug == false, let ugEvidence {
            reasons.append(Reason(.noUnrestrictedGuest, .warning,
                "VT-x unrestricted guest is off: real-mode guest code (BIOS, boot loaders, 16-bit systems) runs through KVM's instruction emulator, slowly, and some such guests fail.",
                evidence: [ugEvidence], remediation: "Load kvm_intel with unrestricted_guest=1 (needs EPT)."))
        }
        let (ept, eptEvidence) = feature(param: "ept", flag: "ept", msrBit: 33)
        if ept == false, let eptEvidence {
            reasons.append(Reason(.noEPT, .warning,
                "EPT is off: KVM falls back to shadow paging, which slows memory-heavy guests.",
                evidence: [eptEvidence], remediation: "Load kvm_intel with ept=1 if the CPU supports it."))
        }
    }

    // MARK: Guests

    static func guestSupport(_ facts: HostFacts, cpu: CPUStatus, kvm: KVMStatus,
                             _ reasons: inout [Reason]) -> GuestSupport {
        let binaries = facts.qemuBinaries.value
        func hasQEMU(_ names: [String]) -> Bool? {
            binaries.map { list in list.contains { path in names.contains { path.hasSuffix("/" + $0) } } }
        }
        let qemu64 = hasQEMU(["qemu-system-x86_64", "qemu-kvm"])
        let qemu32 = hasQEMU(["qemu-system-i386", "qemu-system-x86_64", "qemu-kvm"])
        if qemu64 == false || qemu32 == false {
            reasons.append(Reason(.qemuMissing, .blocker,
                "No QEMU system emulator for x86 is installed\(qemu32 == true ? " for 64-bit guests" : ""): neither KVM nor TCG guests can start.",
                evidence: [Evidence("qemu binaries", binaries?.joined(separator: ", ").nilIfEmpty ?? "none")],
                remediation: "apt-get install qemu-system-x86"))
        }
        let kernel64 = facts.kernel.bitness.map { $0 == 64 }
        if kernel64 == false {
            reasons.append(Reason(.kernel32Bit, .warning, "The kernel is 32-bit: KVM here cannot run 64-bit guests.",
                                  evidence: [Evidence("uname -m", facts.kernel.machine.value ?? "?")]))
        }
        var x86_64: GuestMode
        if cpu.longMode == false {
            reasons.append(Reason(.noLongMode, .blocker,
                "The CPU has no long mode (64-bit): 64-bit guests cannot run under KVM, and LivCloud does not emulate 64-bit guests on 32-bit hosts (QEMU deprecated 32-bit hosts in 8.0).",
                evidence: [Evidence(cpu.source == "cpuid" ? "CPUID 0x80000001 EDX[29]" : "/proc/cpuinfo flags", cpu.source == "cpuid" ? "0" : "no lm")]))
            x86_64 = .unsupported
        } else if kvm.usable && kernel64 != false {
            x86_64 = .kvm
        } else {
            x86_64 = .tcg
        }
        if qemu64 == false, x86_64 != .unsupported { x86_64 = .unsupported }
        var i686: GuestMode = kvm.usable ? .kvm : .tcg
        if qemu32 == false { i686 = .unsupported }
        return GuestSupport(x86_64: x86_64, i686: i686)
    }
}

extension String {
    static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: Swift.max(0, 4 - digits.count)) + digits
    }

    var nilIfEmpty: String? { isEmpty ? nil : self }

    /// Case-insensitive substring test without Foundation.
    func containsIgnoringCase(_ needle: String) -> Bool {
        lowercased().contains(needle.lowercased())
    }
}
