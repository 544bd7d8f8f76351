/// LivCloud-level reasons a migration was refused or did not complete.
/// libvirt failures themselves are `LibvirtError`s, carried in `.failed`.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Migration data would cross a non-loopback network unencrypted; use
    /// `tls` or set `allowPlainText`. Raised before any connection is made.
    case insecurePlainText(host: String, uri: String)
    /// The policy asks for something this libvirt/QEMU cannot do.
    case unsupported(feature: String, reason: String)
    /// A URI that cannot be used, with why.
    case invalidURI(String, reason: String)
    /// A policy that contradicts itself or the domain's state.
    case invalidPolicy(String)
    /// The job was aborted (task cancelled, controller decision, stall); the
    /// guest's placement afterwards is reported.
    case aborted(reason: String, placement: GuestPlacement, cause: LibvirtError?)
    /// libvirt failed the migration; the guest's placement afterwards is reported.
    case failed(LibvirtError, placement: GuestPlacement)

    /// Where the guest runs after an abort or failure (nil for refusals: it never moved).
    public var placement: GuestPlacement? {
        switch self {
        case .aborted(_, let placement, _), .failed(_, let placement): placement
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .insecurePlainText(let host, let uri):
            "refusing plain-text migration to non-loopback host \(host) (\(uri)): enable TLS or allow plain text explicitly"
        case .unsupported(let feature, let reason):
            "\(feature) is not supported: \(reason)"
        case .invalidURI(let uri, let reason):
            "invalid URI \(uri): \(reason)"
        case .invalidPolicy(let reason):
            "invalid migration policy: \(reason)"
        case .aborted(let reason, let placement, _):
            "migration aborted (\(reason)); guest running on \(placement.runningOn)"
        case .failed(let error, let placement):
            "migration failed: \(error); guest running on \(placement.runningOn)"
        }
    }
}
