/// The facts no file can hold: CPUID, MSRs, `/dev/kvm` ioctls and the
/// process's capabilities. `LiveSystemProbes` asks this machine through the C
/// shim; tests inject their own; a recorded tree gets `UnavailableSystemProbes`
/// so those facts are unknown instead of silently coming from this machine.
public protocol SystemProbes: Sendable {
    func cpuidLeaves() -> Fact<[CPUIDLeaf]>
    /// MSR `indices` on each of `cpus`.
    func msrs(cpus: [Int], indices: [UInt32]) -> Fact<[CPUMSRs]>
    func kvmDevice() -> Fact<KVMDeviceFacts>
    func processCapabilities() -> Fact<ProcessCapabilities>
    /// `uname -m`.
    func machine() -> Fact<String>
    func hostname() -> String?
}

/// Probes for a recorded tree: every live-only fact is unknown, with the reason.
public struct UnavailableSystemProbes: SystemProbes {
    public let reason: String

    public init(root: String) {
        reason = "not recorded in the tree at \(root): only a live host can answer"
    }

    public func cpuidLeaves() -> Fact<[CPUIDLeaf]> { .unknown("CPUID \(reason)") }
    public func msrs(cpus: [Int], indices: [UInt32]) -> Fact<[CPUMSRs]> { .unknown("MSRs \(reason)") }
    public func kvmDevice() -> Fact<KVMDeviceFacts> { .unknown("/dev/kvm ioctls \(reason)") }
    public func processCapabilities() -> Fact<ProcessCapabilities> { .unknown("process capabilities \(reason)") }
    public func machine() -> Fact<String> { .unknown("kernel machine type \(reason)") }
    public func hostname() -> String? { nil }
}

/// MSR indices the probe reads.
public enum MSRIndex {
    /// IA32_FEATURE_CONTROL: bit 0 lock, bit 1 VMX inside SMX, bit 2 VMX outside SMX.
    public static let featureControl: UInt32 = 0x3A
    /// IA32_VMX_PROCBASED_CTLS2: high half = allowed-1 secondary controls (bit 33 EPT, bit 39 unrestricted guest).
    public static let vmxProcbasedCtls2: UInt32 = 0x48B
    /// IA32_VMX_EPT_VPID_CAP.
    public static let vmxEptVpidCap: UInt32 = 0x48C
    /// AMD VM_CR: bit 3 LOCK, bit 4 SVMDIS.
    public static let amdVMCR: UInt32 = 0xC001_0114

    static let intel: [UInt32] = [featureControl, vmxProcbasedCtls2, vmxEptVpidCap]
    static let amd: [UInt32] = [amdVMCR]
}
