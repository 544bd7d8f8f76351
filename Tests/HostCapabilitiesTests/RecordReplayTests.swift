import Foundation
import HostCapabilities
import HostProbe
import Testing

/// Every scenario: tree + recorded probes -> facts -> JSON -> facts, and the
/// committed JSON replays to the same facts and the same capabilities.
@Suite("Record and replay of the recorded scenarios")
struct RecordReplayTests {
    @Test("collected facts round-trip through JSON exactly", arguments: Scenario.all)
    func roundTrip(_ scenario: Scenario) throws {
        let facts = try Fixtures.collect(scenario)
        let decoded = try HostFacts.decode(facts.jsonData(), source: scenario.name)
        #expect(decoded == facts)
        #expect(try decoded.jsonData() == facts.jsonData(), "re-encoding must give the same bytes")
    }

    @Test("the committed facts JSON is what collecting the tree gives today", arguments: Scenario.all)
    func committedMatchesCollected(_ scenario: Scenario) throws {
        let path = try Fixtures.factsFile(scenario.name)
        let replayed = try HostFacts.replay(from: path)
        let collected = try HostFacts.decode(Fixtures.portableJSON(Fixtures.collect(scenario), scenario: scenario.name))
        #expect(replayed == collected, "regenerate with LIVCLOUD_RECORD_FIXTURES=1 if the collector changed on purpose")
        #expect(replayed.origin.kind == .sysroot)
        #expect(replayed.origin.root == Fixtures.portableRoot(scenario.name))
    }

    @Test("tree + probes and the replayed JSON decide the same capabilities", arguments: Scenario.all)
    func sameDecision(_ scenario: Scenario) throws {
        let collected = try Fixtures.collect(scenario)
        let replayed = try HostFacts.replay(from: Fixtures.factsFile(scenario.name))
        let live = CapabilityModel.decide(collected)
        let replay = CapabilityModel.decide(replayed)
        #expect(live.strategy == replay.strategy)
        #expect(live.kvm == replay.kvm)
        #expect(live.cpu == replay.cpu)
        #expect(live.hypervisor == replay.hypervisor)
        #expect(live.firmware == replay.firmware)
        #expect(live.guests == replay.guests)
        #expect(live.reasons.map(\.code) == replay.reasons.map(\.code))
        // With the paths made portable the two decisions are identical, messages included.
        let portable = try HostFacts.decode(Fixtures.portableJSON(collected, scenario: scenario.name))
        #expect(CapabilityModel.decide(portable) == replay)
        // The decision itself is pure: deciding twice gives the same value.
        #expect(CapabilityModel.decide(replayed) == replay)
    }

    @Test("capabilities round-trip through JSON", arguments: Scenario.all)
    func capabilitiesRoundTrip(_ scenario: Scenario) throws {
        let caps = CapabilityModel.decide(try HostFacts.replay(from: Fixtures.factsFile(scenario.name)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let decoded = try JSONDecoder().decode(HostCapabilities.self, from: encoder.encode(caps))
        #expect(decoded == caps)
    }

    /// Writes `Fixtures/facts/NAME.json` in the source tree. Run on purpose only:
    /// `LIVCLOUD_RECORD_FIXTURES=1 swift test --filter RecordReplayTests/record`.
    @Test("record the facts fixtures", .enabled(if: ProcessInfo.processInfo.environment["LIVCLOUD_RECORD_FIXTURES"] == "1"))
    func record() throws {
        let directory = Fixtures.source.appendingPathComponent("facts")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for scenario in Scenario.all {
            let data = try Fixtures.portableJSON(Fixtures.collect(scenario), scenario: scenario.name)
            try data.write(to: directory.appendingPathComponent("\(scenario.name).json"), options: .atomic)
        }
    }
}
