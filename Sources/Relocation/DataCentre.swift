/// A data centre: one vertex of the topology. Hosts inside it share unlimited bandwidth.
public struct DataCentre: Hashable, Sendable, Codable {
    public var id: DataCentreID
    /// Resource units the data centre can host (same unit as ``VirtualMachine/size``).
    public var capacity: Double
    /// Price of energy per resource unit and second (used by ``EnergyPrice``); optional.
    public var energyPrice: Double?

    public init(id: DataCentreID, capacity: Double, energyPrice: Double? = nil) {
        self.id = id
        self.capacity = capacity
        self.energyPrice = energyPrice
    }
}
