import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HostCapabilities
import HostProbe

/// `host-audit`: what can this host do for virtual machines, and why.
@main
struct HostAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host-audit",
        abstract: "Audit a host's hardware virtualization: strategy (kvm, nested-kvm, tcg), guest support and the evidence.",
        discussion: """
        Exit codes:
          0   a hardware-accelerated strategy (kvm or nested-kvm) is available for unmodified guests
          2   emulation only (tcg)
          64  usage or probe error (bad option, unreadable --sysroot, invalid --replay file)
        """
    )

    /// Documented exit codes.
    enum Exit {
        static let accelerated: Int32 = 0
        static let emulationOnly: Int32 = 2
        static let usageOrProbeError: Int32 = 64
    }

    @Flag(name: .long, help: "Print the capabilities as JSON.")
    var json = false

    @Flag(name: .long, help: "Print the raw host facts as JSON (with --json: both, in one object).")
    var facts = false

    @Option(name: .long, help: "Read proc/ and sys/ from this directory instead of /. CPUID, MSRs and ioctls are then unknown.")
    var sysroot: String?

    @Option(name: .long, help: "Write the collected host facts as JSON to this file.")
    var record: String?

    @Option(name: .long, help: "Decide from a recorded facts file instead of probing.")
    var replay: String?

    func validate() throws {
        if replay != nil && sysroot != nil {
            throw ValidationError("--replay and --sysroot cannot be combined: a replay already holds its facts.")
        }
    }

    func run() throws {
        let hostFacts: HostFacts
        do {
            if let replay {
                hostFacts = try HostFacts.replay(from: replay)
            } else if let sysroot {
                hostFacts = HostFactsCollector(root: try HostRoot(path: sysroot)).collectBlocking()
            } else {
                hostFacts = HostFactsCollector().collectBlocking()  // the CLI's main thread, not the cooperative pool
            }
            if let record { try hostFacts.record(to: record) }
        } catch {
            let message = "host-audit: error: \(error)\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            throw ExitCode(Exit.usageOrProbeError)
        }
        let capabilities = CapabilityModel.decide(hostFacts)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        switch (json, facts) {
        case (true, true):
            struct Both: Encodable { let capabilities: HostCapabilities; let facts: HostFacts }
            print(String(decoding: try encoder.encode(Both(capabilities: capabilities, facts: hostFacts)), as: UTF8.self))
        case (true, false):
            print(String(decoding: try encoder.encode(capabilities), as: UTF8.self))
        case (false, true):
            print(String(decoding: try encoder.encode(hostFacts), as: UTF8.self))
        case (false, false):
            print(AuditReport.render(capabilities, facts: hostFacts))
        }
        if !capabilities.strategy.isHardwareAccelerated { throw ExitCode(Exit.emulationOnly) }
    }
}
