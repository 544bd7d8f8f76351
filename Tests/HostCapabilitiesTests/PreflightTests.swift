import HostCapabilities
import HostProbe
import Testing

/// Pre-flight checks between recorded hosts.
@Suite("Preflight between recorded hosts")
struct PreflightTests {
    static func caps(_ name: String) throws -> HostCapabilities {
        CapabilityModel.decide(try HostFacts.replay(from: Fixtures.factsFile(name)))
    }

    @Test("a KVM guest cannot move from Intel to AMD")
    func crossVendor() throws {
        let result = Preflight.check(architecture: .x86_64, source: try Self.caps("intel-vt-baremetal"),
                                     destination: try Self.caps("amd-svm"))
        #expect(!result.compatible)
        #expect(result.reasons.contains { $0.code == .cpuVendorMismatch && $0.blocking })
        #expect(!result.reasons.contains { $0.code == .compatible })
    }

    @Test("a KVM guest cannot move to a TCG-only host")
    func kvmToTCG() throws {
        let result = Preflight.check(architecture: .x86_64, source: try Self.caps("intel-vt-baremetal"),
                                     destination: try Self.caps("ec2-xen-novt"))
        #expect(!result.compatible)
        #expect(result.reasons.contains { $0.code == .acceleratorMismatch && $0.blocking })
    }

    @Test("a TCG guest can move to a KVM host and stays under TCG")
    func tcgToKVM() throws {
        let result = Preflight.check(architecture: .x86_64, source: try Self.caps("ec2-xen-novt"),
                                     destination: try Self.caps("intel-vt-baremetal"))
        #expect(result.compatible)
        #expect(result.destinationMode == .tcg)
        #expect(result.reasons.allSatisfy { !$0.blocking })
        #expect(result.reasons.contains { $0.code == .compatible })
    }

    @Test("a KVM guest moves between two Intel KVM hosts")
    func sameVendorKVM() throws {
        let result = Preflight.check(architecture: .x86_64, source: try Self.caps("intel-vt-baremetal"),
                                     destination: try Self.caps("nested-kvm-intel"))
        #expect(result.compatible)
        #expect(result.destinationMode == .kvm)
    }

    @Test("a 64-bit guest cannot go to a host without long mode")
    func unsupportedArchitectureAtDestination() throws {
        let result = Preflight.check(architecture: .x86_64, source: try Self.caps("ec2-xen-novt"),
                                     destination: try Self.caps("cpu-32bit-only"))
        #expect(!result.compatible)
        #expect(result.reasons.contains { $0.code == .architectureUnsupported && $0.blocking })
    }

    @Test("a host without long mode has no 64-bit guest to send")
    func unsupportedArchitectureAtSource() throws {
        let result = Preflight.check(architecture: .x86_64, source: try Self.caps("cpu-32bit-only"),
                                     destination: try Self.caps("intel-vt-baremetal"))
        #expect(!result.compatible)
        #expect(result.reasons.contains { $0.code == .architectureUnsupported && $0.blocking })
    }

    @Test("a 32-bit guest still moves from the 32-bit host to an Intel KVM host")
    func i686Moves() throws {
        let result = Preflight.check(architecture: .i686, source: try Self.caps("cpu-32bit-only"),
                                     destination: try Self.caps("intel-vt-baremetal"))
        #expect(result.compatible)
        #expect(result.destinationMode == .kvm)
    }
}
