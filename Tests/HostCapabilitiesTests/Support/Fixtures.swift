import Foundation
import HostCapabilities
import HostProbe
import Testing

/// Paths of the committed fixtures and the record/replay plumbing.
enum Fixtures {
    /// The `Fixtures` folder copied into the test bundle.
    static var bundled: URL {
        get throws {
            try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "Fixtures missing from the test bundle")
        }
    }

    /// The `Fixtures` folder in the source tree (where regenerated JSON is written).
    static let source = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func tree(_ name: String) throws -> String {
        try bundled.appendingPathComponent("trees/\(name)").path
    }

    static func factsFile(_ name: String) throws -> String {
        try bundled.appendingPathComponent("facts/\(name).json").path
    }

    /// The stable root name a recorded scenario carries, independent of where the bundle sits.
    static func portableRoot(_ name: String) -> String { "trees/\(name)" }

    /// Collects the scenario's tree with its recorded live-only probes.
    static func collect(_ scenario: Scenario) throws -> HostFacts {
        let root = try HostRoot(path: tree(scenario.name))
        return HostFactsCollector(root: root, probes: scenario.probes).collectBlocking()
    }

    /// Facts as they are committed: JSON whose tree paths are replaced by
    /// `trees/NAME`, so the recording does not depend on the checkout location.
    static func portableJSON(_ facts: HostFacts, scenario: String) throws -> Data {
        let text = String(decoding: try facts.jsonData(), as: UTF8.self)
        let treePath = try tree(scenario)
        #expect(text.contains(treePath), "the recording should name the tree it was read from")
        return Data((text.replacingOccurrences(of: treePath, with: portableRoot(scenario)) + "\n").utf8)
    }
}
