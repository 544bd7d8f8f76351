/// One conclusion of the capability model: a stable code, a sentence, the
/// evidence it rests on and, where one exists, what to do about it.
public struct Reason: Sendable, Equatable, Codable {
    public var code: ReasonCode
    public var severity: Severity
    public var message: String
    public var evidence: [Evidence]
    public var remediation: String?

    public enum Severity: String, Sendable, Codable {
        /// A fact worth knowing.
        case info
        /// Something that degrades what the host can do.
        case warning
        /// Something that rules a strategy out.
        case blocker
    }

    public init(_ code: ReasonCode, _ severity: Severity, _ message: String, evidence: [Evidence],
                remediation: String? = nil) {
        self.code = code
        self.severity = severity
        self.message = message
        self.evidence = evidence
        self.remediation = remediation
    }

    enum CodingKeys: String, CodingKey { case code, severity, message, evidence, remediation }

    /// A missing remediation is written as `null`, never omitted.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(severity, forKey: .severity)
        try container.encode(message, forKey: .message)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(remediation, forKey: .remediation)
    }
}

/// Which source said what.
public struct Evidence: Sendable, Equatable, Codable {
    /// "CPUID 0x1 ECX[5]", "/proc/cpuinfo flags", "MSR 0x3A on CPU 0", "ioctl KVM_CREATE_VM", ...
    public var source: String
    public var observation: String

    public init(_ source: String, _ observation: String) {
        self.source = source
        self.observation = observation
    }
}

/// Stable reason codes (part of the JSON contract: never renamed).
public enum ReasonCode: String, Sendable, Codable, CaseIterable {
    case cpuinfoUnreadable = "cpuinfo_unreadable"
    case cpuidUnknown = "cpuid_unknown"
    case vtAvailable = "vt_available"
    case vtAbsent = "vt_absent"
    case vtNotExposed = "vt_not_exposed"
    case vtHiddenByKernel = "vt_hidden_by_kernel"
    case vtLockedOff = "vt_locked_off"
    case vtDisabledUnlocked = "vt_disabled_unlocked"
    case vtStateUnknown = "vt_state_unknown"
    case msrUnreadable = "msr_unreadable"
    case hypervisorDetected = "hypervisor_detected"
    case kvmDeviceMissing = "kvm_device_missing"
    case kvmDeviceNotOpenable = "kvm_device_not_openable"
    case kvmAPIMismatch = "kvm_api_mismatch"
    case kvmCreateVMFailed = "kvm_create_vm_failed"
    case kvmBackendNotVT = "kvm_backend_not_vt"
    case kvmBackendMissing = "kvm_backend_missing"
    case kvmUnverified = "kvm_unverified"
    case kvmUsable = "kvm_usable"
    case nestedKVM = "nested_kvm"
    case nestedNotOffered = "nested_not_offered"
    case noLongMode = "no_long_mode"
    case kernel32Bit = "kernel_32bit"
    case noUnrestrictedGuest = "no_unrestricted_guest"
    case noEPT = "no_ept"
    case qemuMissing = "qemu_missing"
    case tcgFallback = "tcg_fallback"
    case rawioMissing = "cap_sys_rawio_missing"
}
