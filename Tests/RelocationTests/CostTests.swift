import Testing
@testable import Relocation

@Suite struct CostTests {
    /// A (cap 4): a1, a2; B (cap 2): b1; C (cap 2): c1.
    /// Links: A→B 10 B/s, RTT 0.1 s, 1 per GB; B→A 5 B/s, RTT 0.1 s; A→C 10 B/s, RTT 0.3 s.
    /// Traffic: a1→b1 5, b1→a1 5, a1→c1 2, a1→a2 100 (intra-DC).
    func problem() throws -> RelocationProblem {
        let topology = Topology(
            dataCentres: [
                DataCentre(id: "A", capacity: 4, energyPrice: 1),
                DataCentre(id: "B", capacity: 2, energyPrice: 2),
                DataCentre(id: "C", capacity: 2),
            ],
            links: [
                Link(from: "A", to: "B", bandwidth: 10, roundTripLatency: 0.1, chargePerGB: 1),
                Link(from: "B", to: "A", bandwidth: 5, roundTripLatency: 0.1),
                Link(from: "A", to: "C", bandwidth: 10, roundTripLatency: 0.3),
            ],
            vms: [
                VirtualMachine(id: "a1", dataCentre: "A", size: 1), VirtualMachine(id: "a2", dataCentre: "A", size: 1),
                VirtualMachine(id: "b1", dataCentre: "B", size: 1), VirtualMachine(id: "c1", dataCentre: "C", size: 1),
            ])
        let traffic = TrafficMatrix(flows: [
            TrafficFlow(source: "a1", destination: "b1", bytesPerSecond: 5),
            TrafficFlow(source: "b1", destination: "a1", bytesPerSecond: 5),
            TrafficFlow(source: "a1", destination: "c1", bytesPerSecond: 2),
            TrafficFlow(source: "a1", destination: "a2", bytesPerSecond: 100),
        ])
        return try RelocationProblem(topology: topology, traffic: traffic)
    }

    @Test func meanLoadFactorOverAllLinks() throws {
        // Load factors 5/10, 5/5, 2/10; intra-DC traffic loads nothing.
        #expect(isClose(CostFunction.meanLoadFactor.initialCost(of: try problem()), (0.5 + 1 + 0.2) / 3))
    }

    @Test func latencyIsTrafficWeightedMeanRTT() throws {
        let cost = CostFunction(terms: [.init(weight: 1, term: RoundTripLatency())])
        #expect(isClose(cost.initialCost(of: try problem()), (5 * 0.1 + 5 * 0.1 + 2 * 0.3) / 112))
    }

    @Test func dataChargeIsPerByte() throws {
        let cost = CostFunction(terms: [.init(weight: 1, term: DataCharge())])
        #expect(isClose(cost.initialCost(of: try problem()), 5 * 1 / 1e9))
    }

    @Test func utilisationIsMeanSquaredLoadOverCapacity() throws {
        let cost = CostFunction(terms: [.init(weight: 1, term: DataCentreUtilisation())])
        // A 2/4, B 1/2, C 1/2 -> each 0.25.
        #expect(isClose(cost.initialCost(of: try problem()), 0.25))
    }

    @Test func energyIsMeanPricePerResourceUnit() throws {
        let cost = CostFunction(terms: [.init(weight: 1, term: EnergyPrice())])
        // (2 units × 1 + 1 × 2 + 1 × 0) / 4 units.
        #expect(isClose(cost.initialCost(of: try problem()), 1))
    }

    @Test func weightedTermsAdd() throws {
        let cost = CostFunction.meanLoadFactor.adding(RoundTripLatency(), weight: 2).adding(EnergyPrice(), weight: 0.5)
        #expect(isClose(cost.initialCost(of: try problem()), 1.7 / 3 + 2 * 1.6 / 112 + 0.5))
        #expect(cost.summary == "1.0 × load-factor + 2.0 × latency + 0.5 × energy")
    }
}
