/// Can a guest running on host A (with A's strategy) run on host B? The check
/// a migration makes before it starts.
public struct PreflightResult: Sendable, Equatable, Codable {
    public var compatible: Bool
    /// How the guest would run on the destination.
    public var destinationMode: GuestMode
    public var reasons: [PreflightReason]

    enum CodingKeys: String, CodingKey { case compatible, destinationMode = "destination_mode", reasons }
}

/// One finding of a pre-flight check.
public struct PreflightReason: Sendable, Equatable, Codable {
    public var code: Code
    public var message: String
    public var blocking: Bool

    public enum Code: String, Sendable, Codable {
        case architectureUnsupported = "architecture_unsupported"
        case acceleratorMismatch = "accelerator_mismatch"
        case cpuVendorMismatch = "cpu_vendor_mismatch"
        case cpuVendorUnknown = "cpu_vendor_unknown"
        case slowerOnDestination = "slower_on_destination"
        case compatible
    }
}

public enum Preflight {
    /// Checks whether a guest of `architecture` running on `source` in
    /// `sourceMode` (defaults to the source's mode for that architecture) can
    /// be live-migrated to `destination`.
    ///
    /// Rules: the destination must run the architecture at all; a KVM guest
    /// needs KVM on the destination (QEMU cannot live-migrate between KVM and
    /// TCG: the domain type and CPU state differ) and the same CPU vendor (CPU
    /// models and MSRs differ between Intel and AMD); a TCG guest can go to any
    /// host that runs QEMU, KVM or not, because TCG is always available there.
    public static func check(architecture: GuestArchitecture, source: HostCapabilities,
                             sourceMode: GuestMode? = nil, destination: HostCapabilities) -> PreflightResult {
        let from = sourceMode ?? source.guests[architecture]
        let to = destination.guests[architecture]
        var reasons: [PreflightReason] = []
        if from == .unsupported {
            reasons.append(.init(code: .architectureUnsupported,
                                 message: "The source cannot run \(architecture.rawValue) guests, so there is nothing to migrate.", blocking: true))
        }
        if to == .unsupported {
            reasons.append(.init(code: .architectureUnsupported,
                                 message: "The destination cannot run \(architecture.rawValue) guests.", blocking: true))
        }
        var mode: GuestMode = to
        if from == .kvm {
            if to != .kvm {
                reasons.append(.init(code: .acceleratorMismatch,
                    message: "The guest runs under KVM on the source but the destination offers only \(to.rawValue): a KVM guest cannot be live-migrated to TCG.",
                    blocking: true))
            } else if let a = source.cpu.vendor, let b = destination.cpu.vendor {
                if a != b {
                    reasons.append(.init(code: .cpuVendorMismatch,
                        message: "CPU vendors differ (\(a) → \(b)): a KVM guest's CPU state does not move between vendors.",
                        blocking: true))
                }
            } else {
                reasons.append(.init(code: .cpuVendorUnknown,
                    message: "A CPU vendor is unknown; cross-vendor migration of a KVM guest fails, so confirm both hosts' vendors.",
                    blocking: false))
            }
        } else if from == .tcg, to != .unsupported {
            // A TCG guest keeps its domain type; every QEMU host can emulate it.
            mode = .tcg
        }
        let blocking = reasons.contains { $0.blocking }
        if !blocking {
            reasons.append(.init(code: .compatible,
                message: "A \(architecture.rawValue) guest running under \(from.rawValue) on the source can run under \(mode.rawValue) on the destination.",
                blocking: false))
        }
        return PreflightResult(compatible: !blocking, destinationMode: mode, reasons: reasons)
    }
}
