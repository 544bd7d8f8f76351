import Foundation
import Testing
@testable import Relocation

@Suite struct FormatTests {
    @Test func parsesCSVWithHeaderCommentsAndBlankLines() throws {
        let text = """
            # measured 2026-11-21
            source,destination,bytesPerSecond
            web1, db1 ,1500

            db1,web1,2.5e3\r
            """
        let matrix = try TrafficMatrix(csv: text)
        #expect(matrix.flows == [
            TrafficFlow(source: "web1", destination: "db1", bytesPerSecond: 1500),
            TrafficFlow(source: "db1", destination: "web1", bytesPerSecond: 2500),
        ])
    }

    @Test func malformedCSVNamesTheLine() {
        #expect(throws: RelocationError.malformedTraffic(line: 3, reason: "bytesPerSecond 'lots' is not a number")) {
            try TrafficMatrix(csv: "source,destination,bytesPerSecond\na,b,1\na,c,lots\n")
        }
        #expect(throws: RelocationError.malformedTraffic(line: 1, reason: "expected 3 comma-separated fields, found 2")) {
            try TrafficMatrix(csv: "a,b\n")
        }
    }

    @Test func csvRoundTrips() throws {
        let matrix = TrafficMatrix(flows: [TrafficFlow(source: "x", destination: "y", bytesPerSecond: 12.5)])
        #expect(try TrafficMatrix(csv: matrix.csv()) == matrix)
    }

    @Test func decodesTheDocumentedJSONTopology() throws {
        let json = """
            {"dataCentres": [{"id": "eu", "capacity": 8, "energyPrice": 0.2}, {"id": "us", "capacity": 8}],
             "links": [{"from": "eu", "to": "us", "bandwidth": 1.25e8, "roundTripLatency": 0.09, "chargePerGB": 0.02},
                       {"from": "us", "to": "eu", "bandwidth": 1.25e8}],
             "vms": [{"id": "web1", "dataCentre": "eu", "size": 2}, {"id": "db1", "dataCentre": "us", "size": 4}]}
            """
        let topology = try JSONDecoder().decode(Topology.self, from: Data(json.utf8))
        #expect(topology.dataCentres[0].energyPrice == 0.2)
        #expect(topology.dataCentres[1].energyPrice == nil)
        #expect(topology.links[0].roundTripLatency == 0.09)
        #expect(topology.vms[1].dataCentre == "us")
        let traffic = try JSONDecoder().decode(
            TrafficMatrix.self, from: Data(#"{"flows": [{"source": "web1", "destination": "db1", "bytesPerSecond": 100}]}"#.utf8))
        let problem = try RelocationProblem(topology: topology, traffic: traffic)
        // One link of two carries 100 B/s over 1.25e8 B/s.
        #expect(isClose(CostFunction.meanLoadFactor.initialCost(of: problem), 100 / 1.25e8 / 2))
    }

    @Test func planEncodesTrajectoryAndFinalCost() throws {
        let plan = RelocationPlan(
            planner: "x", initialCost: 3,
            moves: [Move(vm: "v", from: "A", to: "B", costAfter: 1)], stopReason: .converged)
        let data = try JSONEncoder().encode(plan)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(object["finalCost"] as? Double == 1)
        #expect(object["costTrajectory"] as? [Double] == [3, 1])
        #expect(try JSONDecoder().decode(RelocationPlan.self, from: data) == plan)
    }
}
