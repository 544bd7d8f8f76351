/// How to migrate: every knob libvirt 9.0 / QEMU 7.2 offers for a
/// peer-to-peer migration, plus the schedules LivCloud applies while the job
/// runs. See Documentation/LiveMigration.md for the libvirt parameter or flag
/// behind each field.
public struct MigrationPolicy: Sendable, Equatable, Codable {
    public struct AutoConverge: Sendable, Equatable, Codable {
        /// Initial CPU throttle, percent (`auto_converge.initial`).
        public var initialPercent: Int
        /// Throttle increment, percent (`auto_converge.increment`).
        public var incrementPercent: Int
        public init(initialPercent: Int = 20, incrementPercent: Int = 10) {
            self.initialPercent = initialPercent
            self.incrementPercent = incrementPercent
        }
    }

    public struct MultiThreadCompression: Sendable, Equatable, Codable {
        /// zlib level 0-9 (`compression.mt.level`).
        public var level: Int?
        /// Compression threads on the source (`compression.mt.threads`).
        public var threads: Int?
        /// Decompression threads on the destination (`compression.mt.dthreads`).
        public var decompressionThreads: Int?
        public init(level: Int? = nil, threads: Int? = nil, decompressionThreads: Int? = nil) {
            self.level = level
            self.threads = threads
            self.decompressionThreads = decompressionThreads
        }
    }

    public struct PostCopy: Sendable, Equatable, Codable {
        /// Switch to post-copy when reached; nil = only allow it (a controller may switch).
        public var switchAfter: MigrationTrigger?
        /// Bandwidth for the post-copy phase, MiB/s (`bandwidth.postcopy`).
        public var bandwidthMiBps: UInt64?
        public init(switchAfter: MigrationTrigger? = nil, bandwidthMiBps: UInt64? = nil) {
            self.switchAfter = switchAfter
            self.bandwidthMiBps = bandwidthMiBps
        }
    }

    public struct NonSharedDisk: Sendable, Equatable, Codable {
        public enum Mode: String, Sendable, Equatable, Codable {
            /// Copy whole disks (`VIR_MIGRATE_NON_SHARED_DISK`).
            case full
            /// Copy only the top image; backing files are shared (`VIR_MIGRATE_NON_SHARED_INC`).
            case incremental
        }
        public var mode: Mode
        /// Target names (e.g. `vda`) to copy (`migrate_disks`); empty = every writable disk.
        public var disks: [String]
        public init(mode: Mode = .full, disks: [String] = []) {
            self.mode = mode
            self.disks = disks
        }
    }

    /// Initial max downtime, ms (`virDomainMigrateSetMaxDowntime` once the job is active).
    public var maxDowntimeMs: UInt64?
    /// Changes to max downtime during the job.
    public var downtimeSchedule: [ScheduledChange]
    /// Bandwidth cap at start, MiB/s (`bandwidth`).
    public var maxBandwidthMiBps: UInt64?
    /// Changes to the bandwidth cap during the job (`virDomainMigrateSetMaxSpeed`), MiB/s.
    public var bandwidthSchedule: [ScheduledChange]
    /// `VIR_MIGRATE_AUTO_CONVERGE` with its throttle parameters.
    public var autoConverge: AutoConverge?
    /// XBZRLE compression with this cache, bytes (`compression=xbzrle`, `compression.xbzrle.cache`).
    public var xbzrleCacheBytes: UInt64?
    /// Multi-threaded compression (`compression=mt`).
    public var multiThreadCompression: MultiThreadCompression?
    /// Parallel connections (`VIR_MIGRATE_PARALLEL`, `parallel.connections`).
    public var parallelConnections: Int?
    /// Allow post-copy (`VIR_MIGRATE_POSTCOPY`), optionally switching by itself.
    public var postCopy: PostCopy?
    /// Encrypt the migration stream with QEMU's TLS (`VIR_MIGRATE_TLS`).
    public var tls: Bool
    /// Host name to verify in the destination's certificate (`tls.destination`).
    public var tlsDestinationName: String?
    /// Copy local disks (`VIR_MIGRATE_NON_SHARED_*`, `migrate_disks`).
    public var nonSharedDisk: NonSharedDisk?
    /// Define the domain persistently on the destination (`VIR_MIGRATE_PERSIST_DEST`).
    public var persistOnDestination: Bool
    /// Undefine the source definition after success (`VIR_MIGRATE_UNDEFINE_SOURCE`).
    public var undefineOnSource: Bool
    /// Migrate the definition of a shut-off domain (`VIR_MIGRATE_OFFLINE`); no live transfer.
    public var offline: Bool
    /// Permit unencrypted migration data over a non-loopback network. Off by default.
    public var allowPlainText: Bool
    /// Abort when neither memory nor disk progress for this long, seconds; nil = never.
    public var stallTimeoutSeconds: Double?

    public init(
        maxDowntimeMs: UInt64? = nil,
        downtimeSchedule: [ScheduledChange] = [],
        maxBandwidthMiBps: UInt64? = nil,
        bandwidthSchedule: [ScheduledChange] = [],
        autoConverge: AutoConverge? = nil,
        xbzrleCacheBytes: UInt64? = nil,
        multiThreadCompression: MultiThreadCompression? = nil,
        parallelConnections: Int? = nil,
        postCopy: PostCopy? = nil,
        tls: Bool = false,
        tlsDestinationName: String? = nil,
        nonSharedDisk: NonSharedDisk? = nil,
        persistOnDestination: Bool = false,
        undefineOnSource: Bool = false,
        offline: Bool = false,
        allowPlainText: Bool = false,
        stallTimeoutSeconds: Double? = 150
    ) {
        self.maxDowntimeMs = maxDowntimeMs
        self.downtimeSchedule = downtimeSchedule
        self.maxBandwidthMiBps = maxBandwidthMiBps
        self.bandwidthSchedule = bandwidthSchedule
        self.autoConverge = autoConverge
        self.xbzrleCacheBytes = xbzrleCacheBytes
        self.multiThreadCompression = multiThreadCompression
        self.parallelConnections = parallelConnections
        self.postCopy = postCopy
        self.tls = tls
        self.tlsDestinationName = tlsDestinationName
        self.nonSharedDisk = nonSharedDisk
        self.persistOnDestination = persistOnDestination
        self.undefineOnSource = undefineOnSource
        self.offline = offline
        self.allowPlainText = allowPlainText
        self.stallTimeoutSeconds = stallTimeoutSeconds
    }

    /// LivCloud's default: QEMU's 300 ms downtime at first, raised step by
    /// step per pass (100 ms per pass from pass 4, up to 800 ms, after oVirt's
    /// convergence schedule), with a stall timeout of 150 s (KubeVirt's
    /// progress timeout). No bandwidth cap, no throttling, no compression: those
    /// cost guest CPU and are chosen per migration by the predictor or the user.
    public static var livCloudDefault: MigrationPolicy {
        MigrationPolicy(
            maxDowntimeMs: 300,
            downtimeSchedule: (4...8).map { ScheduledChange(.atIteration($0), UInt64(400 + ($0 - 4) * 100)) }
        )
    }
}
