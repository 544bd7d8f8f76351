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

    /// The link rate a completed migration achieved, as the model counts it:
    /// the bytes it sent over its elapsed time less the model's fixed costs
    /// (`jobOverheadSeconds` per job, `switchoverSeconds` per pause). Feeding it
    /// back as the next migration's estimate makes the model's memory term
    /// match what this link did. Nil when the job was too short to say.
    public static func achieved(
        bytesSent: Double, elapsedSeconds: Double, calibration: ModelCalibration
    ) -> LinkEstimate? {
        let transferring = elapsedSeconds - calibration.jobOverheadSeconds - calibration.switchoverSeconds
        guard bytesSent > 0, transferring > 0, bytesSent.isFinite, transferring.isFinite else { return nil }
        return LinkEstimate(bytesPerSecond: bytesSent / transferring, source: .measured)
    }
}
