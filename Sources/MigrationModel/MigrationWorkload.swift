/// What the model needs to know about the guest before a migration starts.
///
/// The dirty rate comes from libvirt's dirty-rate calculation
/// (`virDomainStartDirtyRateCalc`), measured by the `LiveMigration` layer;
/// this module only receives the number. Unknown quantities stay `nil` and the
/// model takes the conservative assumption (working set = all memory, no zero
/// pages).
public struct MigrationWorkload: Sendable, Equatable, Hashable, Codable {
    /// Guest memory to move, bytes.
    public var memoryBytes: UInt64
    /// Rate at which the guest dirties distinct pages, bytes per second.
    public var dirtyRateBytesPerSecond: Double
    /// Writable working set: the pages the guest keeps re-dirtying, bytes. At
    /// most this much can be dirty again after one pass, however long it was.
    public var writableWorkingSetBytes: UInt64?
    /// Share of memory pages that are all zero (0...1); they cost a header only.
    public var zeroPageShare: Double?
    /// Guest page size, bytes.
    public var pageSizeBytes: UInt64

    public init(
        memoryBytes: UInt64,
        dirtyRateBytesPerSecond: Double,
        writableWorkingSetBytes: UInt64? = nil,
        zeroPageShare: Double? = nil,
        pageSizeBytes: UInt64 = 4096
    ) {
        self.memoryBytes = memoryBytes
        self.dirtyRateBytesPerSecond = dirtyRateBytesPerSecond
        self.writableWorkingSetBytes = writableWorkingSetBytes
        self.zeroPageShare = zeroPageShare
        self.pageSizeBytes = pageSizeBytes
    }

    /// Memory as a Double, bytes.
    public var memory: Double { Double(memoryBytes) }

    /// The working set the model uses: the known one, capped by memory, else all memory.
    public var effectiveWorkingSet: Double {
        min(Double(writableWorkingSetBytes ?? memoryBytes), memory)
    }

    /// Zero-page share clamped to 0...1 (0 when unknown).
    public var effectiveZeroPageShare: Double {
        min(max(zeroPageShare ?? 0, 0), 1)
    }

    /// The same workload with the dirty rate scaled (for uncertainty corners).
    public func scalingDirtyRate(by factor: Double) -> MigrationWorkload {
        var copy = self
        copy.dirtyRateBytesPerSecond *= factor
        return copy
    }
}
