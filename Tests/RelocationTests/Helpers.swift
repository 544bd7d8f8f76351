@testable import Relocation

/// Builds small hand-checkable problems.
func makeProblem(
    dataCentres: [(String, Double)],
    links: [(String, String, Double)],
    vms: [(String, String, Double)],
    flows: [(String, String, Double)]
) throws -> RelocationProblem {
    let topology = Topology(
        dataCentres: dataCentres.map { DataCentre(id: DataCentreID($0.0), capacity: $0.1) },
        links: links.map { Link(from: DataCentreID($0.0), to: DataCentreID($0.1), bandwidth: $0.2) },
        vms: vms.map { VirtualMachine(id: VMID($0.0), dataCentre: DataCentreID($0.1), size: $0.2) })
    let traffic = TrafficMatrix(flows: flows.map { TrafficFlow(source: VMID($0.0), destination: VMID($0.1), bytesPerSecond: $0.2) })
    return try RelocationProblem(topology: topology, traffic: traffic)
}

/// All ordered pairs of distinct names, each with bandwidth `bandwidth`.
func fullMesh(_ names: [String], bandwidth: Double) -> [(String, String, Double)] {
    var links: [(String, String, Double)] = []
    for a in names { for b in names where a != b { links.append((a, b, bandwidth)) } }
    return links
}

func isClose(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
    abs(a - b) <= relative * max(abs(a), abs(b), 1e-12)
}
