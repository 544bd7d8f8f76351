/// A virtual machine, its current data centre and its resource size.
public struct VirtualMachine: Hashable, Sendable, Codable {
    public var id: VMID
    public var dataCentre: DataCentreID
    /// Resource units the VM occupies (same unit as ``DataCentre/capacity``).
    public var size: Double

    public init(id: VMID, dataCentre: DataCentreID, size: Double) {
        self.id = id
        self.dataCentre = dataCentre
        self.size = size
    }
}
