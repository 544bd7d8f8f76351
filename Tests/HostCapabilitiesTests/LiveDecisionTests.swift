import HostCapabilities
import HostProbe
import Testing

/// The model on this machine's real facts.
@Suite("Decision on the live host")
struct LiveDecisionTests {
    @Test("decide() on live facts is consistent")
    func liveDecision() async throws {
        let facts = await HostFactsCollector().collect()
        let caps = CapabilityModel.decide(facts)
        #expect(caps.origin.kind == .live)
        if caps.strategy.isHardwareAccelerated {
            #expect(caps.kvm.usable)
            #expect(caps.kvm.backendKind == .hardwareVT)
            #expect(caps.kvm.devicePresent == true)
        }
        if caps.kvm.usable {
            #expect(facts.kvmDevice.value?.createVMErrno == .known(0))
            #expect(caps.cpu.vmx == true || caps.cpu.svm == true)
        }
        #expect(caps.cpu.source == "cpuid" || facts.cpuid.value == nil)
        #expect(caps.kvm.devicePresent == facts.kvmDevice.value?.present)
        if facts.cpuid.value.flatMap({ CPUIDSummary(leaves: $0).hypervisorBit }) == true {
            #expect(caps.hypervisor.present == true)
            #expect(caps.strategy != .kvm, "a VM is never bare-metal kvm")
        }
        #expect(CapabilityModel.decide(facts) == caps, "the decision is pure")
    }
}
