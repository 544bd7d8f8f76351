@testable import MigrationModel

/// The guide's measured lab cases (QEMU 7.2 TCG, 128 MiB guest, 64 MiB working
/// set dirtied at ~40 MB/s, one changed byte per page).
enum Lab {
    static let mib = 1_048_576.0
    static let memory: UInt64 = 128 << 20
    static let workingSet: UInt64 = 64 << 20
    static let dirty = 40e6
    static let workload = MigrationWorkload(
        memoryBytes: memory, dirtyRateBytesPerSecond: dirty, writableWorkingSetBytes: workingSet)
    static let cap10 = LinkEstimate.cap(mebibytesPerSecond: 10)
    static let cache64: UInt64 = 64 << 20
    /// Lower bound memory / link for the capped case: 12.8 s.
    static let capBound = Double(memory) / (10 * mib)
}
