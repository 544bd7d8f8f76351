/// Migration capabilities chosen before the job starts (libvirt flags and
/// parameters); a running job cannot change them.
public struct MigrationFeatures: Sendable, Equatable, Hashable, Codable {
    /// XBZRLE compression with this cache size, bytes (`compression.xbzrle.cache`); nil = off.
    public var xbzrleCacheBytes: UInt64?
    /// Auto-converge settings; nil = off.
    public var autoConverge: AutoConvergeSettings?
    /// Started with `VIR_MIGRATE_POSTCOPY`, so a switch to post-copy is possible.
    public var postCopyAllowed: Bool

    public init(xbzrleCacheBytes: UInt64? = nil, autoConverge: AutoConvergeSettings? = nil, postCopyAllowed: Bool = false) {
        self.xbzrleCacheBytes = xbzrleCacheBytes
        self.autoConverge = autoConverge
        self.postCopyAllowed = postCopyAllowed
    }

    public static let none = MigrationFeatures()
}
