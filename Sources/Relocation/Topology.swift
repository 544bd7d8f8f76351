/// Data centres, the links between them and where each VM currently runs.
///
/// This is the JSON topology file format (see `Documentation/Relocation.md`).
public struct Topology: Hashable, Sendable, Codable {
    public var dataCentres: [DataCentre]
    public var links: [Link]
    public var vms: [VirtualMachine]

    public init(dataCentres: [DataCentre], links: [Link], vms: [VirtualMachine]) {
        self.dataCentres = dataCentres
        self.links = links
        self.vms = vms
    }
}
