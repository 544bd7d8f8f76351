import HostProbe

/// What a host can do for virtual machines, decided from its `HostFacts` by
/// `CapabilityModel.decide(_:)`: the hypervisor strategy, how each guest
/// architecture can run, and the reasons (with evidence) for every conclusion.
public struct HostCapabilities: Sendable, Equatable, Codable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var origin: HostFacts.Origin
    /// The strategy for unmodified guests.
    public var strategy: Strategy
    public var kvm: KVMStatus
    public var cpu: CPUStatus
    public var hypervisor: HypervisorStatus
    public var firmware: FirmwareStatus
    public var guests: GuestSupport
    /// Why, with evidence, in the order the model reached them.
    public var reasons: [Reason]

    public init(schemaVersion: Int = HostCapabilities.currentSchemaVersion, origin: HostFacts.Origin,
                strategy: Strategy, kvm: KVMStatus, cpu: CPUStatus, hypervisor: HypervisorStatus,
                firmware: FirmwareStatus, guests: GuestSupport, reasons: [Reason]) {
        self.schemaVersion = schemaVersion
        self.origin = origin
        self.strategy = strategy
        self.kvm = kvm
        self.cpu = cpu
        self.hypervisor = hypervisor
        self.firmware = firmware
        self.guests = guests
        self.reasons = reasons
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", origin, strategy, kvm, cpu, hypervisor, firmware, guests, reasons
    }

    /// The first reason with `code`, if any.
    public func reason(_ code: ReasonCode) -> Reason? { reasons.first { $0.code == code } }
}

/// How unmodified guests are run on a host.
public enum Strategy: String, Sendable, Codable, CaseIterable {
    /// KVM on hardware VT (bare metal).
    case kvm
    /// KVM on VT that a hypervisor exposes to this VM.
    case nestedKVM = "nested-kvm"
    /// QEMU's TCG emulation: works everywhere, slowly.
    case tcg

    /// Whether the strategy uses hardware virtualization.
    public var isHardwareAccelerated: Bool { self != .tcg }
}

/// How one guest architecture can run.
public enum GuestMode: String, Sendable, Codable {
    case kvm, tcg, unsupported
}

/// Guest architectures LivCloud plans for.
public enum GuestArchitecture: String, Sendable, Codable, CaseIterable {
    case x86_64, i686
}

/// Per-architecture guest support.
public struct GuestSupport: Sendable, Equatable, Codable {
    public var x86_64: GuestMode
    public var i686: GuestMode

    public init(x86_64: GuestMode, i686: GuestMode) {
        self.x86_64 = x86_64
        self.i686 = i686
    }

    public subscript(architecture: GuestArchitecture) -> GuestMode {
        switch architecture {
        case .x86_64: return x86_64
        case .i686: return i686
        }
    }
}

/// The state of `/dev/kvm` and what serves it.
public struct KVMStatus: Sendable, Equatable, Codable {
    /// Whether `/dev/kvm` exists (nil: not known, e.g. a recorded tree).
    public var devicePresent: Bool?
    /// Whether it opened read-write.
    public var opens: Bool?
    /// Whether KVM can run ordinary guests here: device opens, API 12, a VM
    /// can be created, a hardware-VT backend serves it and the CPU exposes VT.
    public var usable: Bool
    /// The vendor module serving `/dev/kvm` (kvm_intel, kvm_amd, or another), nil when none is loaded.
    public var backend: String?
    public var backendKind: BackendKind
    public var apiVersion: Int?
    /// The backend's `nested` parameter: can this host offer VT to its own guests?
    public var offersNested: Bool?

    public enum BackendKind: String, Sendable, Codable {
        /// kvm_intel / kvm_amd: KVM on VT-x / AMD-V.
        case hardwareVT = "hardware-vt"
        /// Something else (e.g. kvm_pvm): not VT, ordinary guests do not run.
        case other
        /// No kvm vendor module is loaded.
        case none
        /// The modules could not be examined.
        case unknown
    }

    public init(devicePresent: Bool?, opens: Bool?, usable: Bool, backend: String?, backendKind: BackendKind,
                apiVersion: Int?, offersNested: Bool?) {
        self.devicePresent = devicePresent
        self.opens = opens
        self.usable = usable
        self.backend = backend
        self.backendKind = backendKind
        self.apiVersion = apiVersion
        self.offersNested = offersNested
    }

    enum CodingKeys: String, CodingKey {
        case devicePresent = "device_present", opens, usable, backend, backendKind = "backend_kind"
        case apiVersion = "api_version", offersNested = "offers_nested"
    }

    /// Unknown values are written as `null`, never omitted: the keys are part of the JSON contract.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(devicePresent, forKey: .devicePresent)
        try container.encode(opens, forKey: .opens)
        try container.encode(usable, forKey: .usable)
        try container.encode(backend, forKey: .backend)
        try container.encode(backendKind, forKey: .backendKind)
        try container.encode(apiVersion, forKey: .apiVersion)
        try container.encode(offersNested, forKey: .offersNested)
    }
}

/// What the CPU offers. nil = unknown.
public struct CPUStatus: Sendable, Equatable, Codable {
    public var vendor: String?
    public var modelName: String?
    public var vmx: Bool?
    public var svm: Bool?
    public var longMode: Bool?
    /// "cpuid" when read from the CPU, "cpuinfo" when from the kernel's view only.
    public var source: String

    public init(vendor: String?, modelName: String?, vmx: Bool?, svm: Bool?, longMode: Bool?, source: String) {
        self.vendor = vendor
        self.modelName = modelName
        self.vmx = vmx
        self.svm = svm
        self.longMode = longMode
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case vendor, modelName = "model_name", vmx, svm, longMode = "long_mode", source
    }

    /// Unknown values are written as `null`, never omitted.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(vendor, forKey: .vendor)
        try container.encode(modelName, forKey: .modelName)
        try container.encode(vmx, forKey: .vmx)
        try container.encode(svm, forKey: .svm)
        try container.encode(longMode, forKey: .longMode)
        try container.encode(source, forKey: .source)
    }
}

/// Whether the host is itself a virtual machine, and under what.
public struct HypervisorStatus: Sendable, Equatable, Codable {
    public var present: Bool?
    public var vendor: String?

    public init(present: Bool?, vendor: String?) {
        self.present = present
        self.vendor = vendor
    }

    enum CodingKeys: String, CodingKey { case present, vendor }

    /// Unknown values are written as `null`, never omitted.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(present, forKey: .present)
        try container.encode(vendor, forKey: .vendor)
    }
}

/// What firmware (or the hypervisor below) did with VT.
public struct FirmwareStatus: Sendable, Equatable, Codable {
    public var state: State
    /// true: VT exists but firmware locked it off; false: not locked off; nil: unknown.
    public var vtLockedOff: Bool?

    public enum State: String, Sendable, Codable {
        /// VT can be used (enabled, or unlocked so the kernel enables it).
        case enabled
        /// Present but locked off by firmware (IA32_FEATURE_CONTROL / VM_CR).
        case lockedOff = "locked-off"
        /// Disabled but not locked: software can enable it.
        case disabledUnlocked = "disabled-unlocked"
        /// The CPU has no VT.
        case absent
        /// A hypervisor below hides VT from this VM.
        case notExposed = "not-exposed"
        case unknown
    }

    public init(state: State, vtLockedOff: Bool?) {
        self.state = state
        self.vtLockedOff = vtLockedOff
    }

    enum CodingKeys: String, CodingKey { case state, vtLockedOff = "vt_locked_off" }

    /// An unknown lock state is written as `null`, never omitted.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(vtLockedOff, forKey: .vtLockedOff)
    }
}
