/// A directed inter-data-centre link.
public struct Link: Hashable, Sendable, Codable {
    public var from: DataCentreID
    public var to: DataCentreID
    /// Maximum bandwidth in bytes per second; must be positive.
    public var bandwidth: Double
    /// Round-trip latency in seconds (used by ``RoundTripLatency``); optional.
    public var roundTripLatency: Double?
    /// Data charge of the carrier (ISP) in currency units per GB (10^9 bytes); optional.
    public var chargePerGB: Double?

    public init(
        from: DataCentreID, to: DataCentreID, bandwidth: Double,
        roundTripLatency: Double? = nil, chargePerGB: Double? = nil
    ) {
        self.from = from
        self.to = to
        self.bandwidth = bandwidth
        self.roundTripLatency = roundTripLatency
        self.chargePerGB = chargePerGB
    }
}
