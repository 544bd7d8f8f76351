/// A way to run the migration that the predictor can evaluate before the start.
public enum CandidatePolicy: Sendable, Equatable, Hashable, Codable {
    /// QEMU's default pre-copy: fixed downtime limit (300 ms), no iteration cap.
    case plainPreCopy(downtimeLimitMs: Double)
    /// Pre-copy with auto-converge CPU throttling.
    case autoConverge(AutoConvergeSettings, downtimeLimitMs: Double)
    /// Pre-copy with XBZRLE delta compression of re-sent pages.
    case xbzrle(cacheBytes: UInt64, downtimeLimitMs: Double)
    /// One full pre-copy pass, then post-copy: bounded time, but a failure of
    /// the destination or the link after the switch loses the guest.
    case postCopy
    /// LivCloud's steered policy: start with a low downtime limit, raise it in
    /// steps up to the budget while the dirty set fits, use the features that
    /// are allowed (XBZRLE chosen at start, post-copy as the last lever).
    case adaptive(MigrationFeatures)

    /// QEMU / `virsh migrate --live` defaults.
    public static let qemuDefault = CandidatePolicy.plainPreCopy(downtimeLimitMs: 300)
    /// QEMU's defaults for auto-converge (20 % + 10 %), with the weak lab throttle effect.
    public static let qemuAutoConverge = CandidatePolicy.autoConverge(AutoConvergeSettings(), downtimeLimitMs: 300)

    /// Short name for reports.
    public var name: String {
        switch self {
        case .plainPreCopy(let limit): return "plain pre-copy (\(Format.ms(limit)) limit)"
        case .autoConverge(let s, let limit):
            return "auto-converge (\(s.initialPercent) %+\(s.incrementPercent) %, \(Format.ms(limit)) limit)"
        case .xbzrle(let cache, let limit): return "XBZRLE (\(Format.mib(Double(cache))) cache, \(Format.ms(limit)) limit)"
        case .postCopy: return "post-copy after one pass"
        case .adaptive(let f):
            var parts: [String] = []
            if let cache = f.xbzrleCacheBytes { parts.append("XBZRLE \(Format.mib(Double(cache)))") }
            if f.autoConverge != nil { parts.append("auto-converge") }
            if f.postCopyAllowed { parts.append("post-copy allowed") }
            return parts.isEmpty ? "LivCloud adaptive" : "LivCloud adaptive (" + parts.joined(separator: ", ") + ")"
        }
    }

    /// The features the job must be started with for this policy.
    public var features: MigrationFeatures {
        switch self {
        case .plainPreCopy: return .none
        case .autoConverge(let s, _): return MigrationFeatures(autoConverge: s)
        case .xbzrle(let cache, _): return MigrationFeatures(xbzrleCacheBytes: cache)
        case .postCopy: return MigrationFeatures(postCopyAllowed: true)
        case .adaptive(let f): return f
        }
    }

    /// Whether the policy may switch to post-copy (and so carries its risk).
    public var mayUsePostCopy: Bool {
        switch self {
        case .postCopy: return true
        case .adaptive(let f): return f.postCopyAllowed
        default: return false
        }
    }
}
