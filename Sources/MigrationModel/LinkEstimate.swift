/// The rate at which migration data can cross the link.
public struct LinkEstimate: Sendable, Equatable, Hashable, Codable {
    /// Where the number comes from.
    public enum Source: String, Sendable, Equatable, Hashable, Codable {
        /// A bandwidth cap the migration will be started with (`bandwidth` parameter).
        case configuredCap
        /// A measurement (probe transfer, previous migration, EWMA of `memory_bps`).
        case measured
    }

    /// Bytes per second.
    public var bytesPerSecond: Double
    public var source: Source

    public init(bytesPerSecond: Double, source: Source) {
        self.bytesPerSecond = bytesPerSecond
        self.source = source
    }

    /// A cap given in MiB/s, as libvirt's `bandwidth` parameter takes it.
    public static func cap(mebibytesPerSecond: Double) -> LinkEstimate {
        LinkEstimate(bytesPerSecond: mebibytesPerSecond * 1_048_576, source: .configuredCap)
    }

    public func scaled(by factor: Double) -> LinkEstimate {
        LinkEstimate(bytesPerSecond: bytesPerSecond * factor, source: source)
    }
}
