/// Measured traffic from one VM to another, in bytes per second.
public struct TrafficFlow: Hashable, Sendable, Codable {
    public var source: VMID
    public var destination: VMID
    public var bytesPerSecond: Double

    public init(source: VMID, destination: VMID, bytesPerSecond: Double) {
        self.source = source
        self.destination = destination
        self.bytesPerSecond = bytesPerSecond
    }
}
