import Testing
@testable import Relocation

@Suite struct ValidationTests {
    let dcs = [("A", 4.0), ("B", 4.0)]
    let links = [("A", "B", 10.0), ("B", "A", 10.0)]
    let vms = [("a1", "A", 1.0), ("b1", "B", 1.0)]

    @Test func acceptsAValidProblem() throws {
        let p = try makeProblem(dataCentres: dcs, links: links, vms: vms, flows: [("a1", "b1", 3)])
        #expect(p.vmCount == 2)
        #expect(p.dataCentreCount == 2)
        #expect(p.totalTraffic == 3)
    }

    @Test func unknownVMInTrafficIsNamed() {
        #expect(throws: RelocationError.unknownVM("ghost", referencedBy: "traffic 'a1' -> 'ghost'")) {
            try makeProblem(dataCentres: dcs, links: links, vms: vms, flows: [("a1", "ghost", 3)])
        }
        let error = RelocationError.unknownVM("ghost", referencedBy: "traffic 'a1' -> 'ghost'")
        #expect(error.description.contains("'ghost'"))
    }

    @Test func negativeBandwidthIsNamed() {
        let bad = [("A", "B", -5.0), ("B", "A", 10.0)]
        #expect(throws: RelocationError.invalidBandwidth(from: "A", to: "B", bandwidth: -5)) {
            try makeProblem(dataCentres: dcs, links: bad, vms: vms, flows: [])
        }
        #expect(RelocationError.invalidBandwidth(from: "A", to: "B", bandwidth: -5).description.contains("'A' -> 'B'"))
    }

    @Test func zeroBandwidthIsRejected() {
        #expect(throws: RelocationError.invalidBandwidth(from: "B", to: "A", bandwidth: 0)) {
            try makeProblem(dataCentres: dcs, links: [("A", "B", 1), ("B", "A", 0)], vms: vms, flows: [])
        }
    }

    @Test func missingLinkNeededByTrafficIsNamed() {
        #expect(throws: RelocationError.missingLink(from: "B", to: "A", source: "b1", destination: "a1")) {
            try makeProblem(dataCentres: dcs, links: [("A", "B", 10)], vms: vms, flows: [("a1", "b1", 1), ("b1", "a1", 1)])
        }
    }

    @Test func missingLinkIsFineWithoutTrafficOnIt() throws {
        let p = try makeProblem(dataCentres: dcs, links: [("A", "B", 10)], vms: vms, flows: [("a1", "b1", 1)])
        #expect(p.topology.links.count == 1)
    }

    @Test func capacityExceededAtStartIsNamed() {
        #expect(throws: RelocationError.capacityExceeded("A", used: 5, capacity: 4)) {
            try makeProblem(
                dataCentres: dcs, links: links, vms: [("a1", "A", 3), ("a2", "A", 2)], flows: [])
        }
    }

    @Test func negativeTrafficIsNamed() {
        #expect(throws: RelocationError.invalidTraffic(source: "a1", destination: "b1", bytesPerSecond: -1)) {
            try makeProblem(dataCentres: dcs, links: links, vms: vms, flows: [("a1", "b1", -1)])
        }
    }

    @Test func unknownDataCentreOfVMIsNamed() {
        #expect(throws: RelocationError.unknownDataCentre("Z", referencedBy: "VM 'z1'")) {
            try makeProblem(dataCentres: dcs, links: links, vms: [("z1", "Z", 1)], flows: [])
        }
    }

    @Test func duplicatesAndSelfReferencesAreRejected() {
        #expect(throws: RelocationError.duplicateVM("a1")) {
            try makeProblem(dataCentres: dcs, links: links, vms: vms + [("a1", "B", 1)], flows: [])
        }
        #expect(throws: RelocationError.duplicateLink(from: "A", to: "B")) {
            try makeProblem(dataCentres: dcs, links: links + [("A", "B", 3)], vms: vms, flows: [])
        }
        #expect(throws: RelocationError.selfLink("A")) {
            try makeProblem(dataCentres: dcs, links: [("A", "A", 3)], vms: vms, flows: [])
        }
        #expect(throws: RelocationError.selfTraffic("a1")) {
            try makeProblem(dataCentres: dcs, links: links, vms: vms, flows: [("a1", "a1", 3)])
        }
    }
}
