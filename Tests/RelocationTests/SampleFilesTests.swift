import Foundation
import Testing
@testable import Relocation

/// The documented sample files (Documentation/examples/relocation) stay valid and show the
/// case they are documented for.
@Suite struct SampleFilesTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Documentation/examples/relocation")

    func load(_ name: String) throws -> Data { try Data(contentsOf: Self.directory.appendingPathComponent(name)) }

    @Test func jsonAndCSVTrafficAgree() throws {
        let json = try JSONDecoder().decode(TrafficMatrix.self, from: try load("traffic.json"))
        let csv = try TrafficMatrix(csv: String(decoding: try load("traffic.csv"), as: UTF8.self))
        #expect(json == csv)
    }

    @Test func referenceIsStuckAndLocalSearchIsNot() throws {
        let topology = try JSONDecoder().decode(Topology.self, from: try load("topology.json"))
        let traffic = try JSONDecoder().decode(TrafficMatrix.self, from: try load("traffic.json"))
        let problem = try RelocationProblem(topology: topology, traffic: traffic)
        // 100 MB/s eu→us, 40 MB/s eu→ap, 5 MB/s us→us (intra); 6 links of 125 MB/s.
        let reference = ReferenceGreedyPlanner().plan(problem, cost: .meanLoadFactor)
        #expect(isClose(reference.initialCost, 140e6 / 125e6 / 6))
        #expect(reference.moves.isEmpty)
        let mine = LocalSearchPlanner().plan(problem, cost: .meanLoadFactor)
        // batch-1 joins queue-1 in ap-south, then db-1 joins web-1 in eu-west: only
        // db-1 → cache-1 (5 MB/s, eu→us) still crosses a link.
        #expect(mine.moves.map(\.vm) == ["batch-1", "db-1"])
        #expect(isClose(mine.finalCost, 5e6 / 125e6 / 6))
    }
}
