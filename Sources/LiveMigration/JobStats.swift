import CLivCloudLibvirt
import MigrationModel

/// Statistics of a domain job (`virDomainGetJobStats`), as typed values.
/// Fields a hypervisor does not report are nil, never zero.
public struct JobStats: Sendable, Equatable {
    /// `virDomainJobType`.
    public enum JobType: Int32, Sendable, Equatable {
        case none = 0, bounded = 1, unbounded = 2, completed = 3, failed = 4, cancelled = 5
    }

    public var type: JobType
    /// Every field libvirt returned, by its libvirt name.
    public var values: [String: TypedParameterValue]

    public init(type: JobType, values: [String: TypedParameterValue]) {
        self.type = type
        self.values = values
    }

    public subscript(_ name: String) -> UInt64? { values[name]?.unsignedValue }

    public var timeElapsedMs: UInt64? { self["time_elapsed"] }
    public var downtimeMs: UInt64? { self["downtime"] }
    public var setupTimeMs: UInt64? { self["setup_time"] }
    public var dataTotalBytes: UInt64? { self["data_total"] }
    public var dataProcessedBytes: UInt64? { self["data_processed"] }
    public var dataRemainingBytes: UInt64? { self["data_remaining"] }
    public var memoryTotalBytes: UInt64? { self["memory_total"] }
    public var memoryProcessedBytes: UInt64? { self["memory_processed"] }
    public var memoryRemainingBytes: UInt64? { self["memory_remaining"] }
    public var memoryBytesPerSecond: UInt64? { self["memory_bps"] }
    public var memoryDirtyRatePagesPerSecond: UInt64? { self["memory_dirty_rate"] }
    public var memoryPageSize: UInt64? { self["memory_page_size"] }
    public var memoryIteration: UInt64? { self["memory_iteration"] }
    public var diskTotalBytes: UInt64? { self["disk_total"] }
    public var diskProcessedBytes: UInt64? { self["disk_processed"] }
    public var diskRemainingBytes: UInt64? { self["disk_remaining"] }
    public var compressionCacheBytes: UInt64? { self["compression_cache"] }
    public var compressionBytes: UInt64? { self["compression_bytes"] }
    public var compressionPages: UInt64? { self["compression_pages"] }
    public var compressionCacheMisses: UInt64? { self["compression_cache_misses"] }
    public var autoConvergeThrottlePercent: UInt64? { values["auto_converge_throttle"].flatMap { $0.unsignedValue } }

    /// The model's view of this snapshot.
    public var sample: JobSample {
        let dirtyRate: Double? = memoryDirtyRatePagesPerSecond.map { pages in
            Double(pages) * Double(memoryPageSize ?? 4096)
        }
        return JobSample(
            elapsedSeconds: Double(timeElapsedMs ?? 0) / 1000,
            iteration: memoryIteration.map { Int($0) },
            memoryTotalBytes: memoryTotalBytes,
            memoryProcessedBytes: memoryProcessedBytes,
            memoryRemainingBytes: memoryRemainingBytes,
            dirtyRateBytesPerSecond: dirtyRate,
            bandwidthBytesPerSecond: memoryBytesPerSecond.map { Double($0) },
            expectedDowntimeMs: downtimeMs.map { Double($0) },
            throttlePercent: autoConvergeThrottlePercent.map { Int($0) }
        )
    }
}
