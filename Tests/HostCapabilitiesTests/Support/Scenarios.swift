import Foundation
import Testing
import HostProbe

/// A recorded host: a file tree under `Fixtures/trees/NAME` plus the live-only
/// facts (`RecordedProbes`); `Fixtures/facts/NAME.json` is both collected together.
struct Scenario: Sendable, CustomTestStringConvertible {
    let name: String
    let probes: RecordedProbes

    var testDescription: String { name }

    typealias R = CPUIDRegisters
    typealias E1 = CPUIDRegisters.ECX1
    typealias X = CPUIDRegisters.Ext1

    static let intelEDX1: UInt32 = 0xBFEB_FBFF
    static let amdEDX1: UInt32 = 0x178B_FBFF
    static let intelExtEDX: UInt32 = X.syscall | X.nx | X.pdpe1gb | X.rdtscp | X.lm
    /// IA32_VMX_PROCBASED_CTLS2 with EPT (bit 33) and unrestricted guest (bit 39) allowed.
    static let ctls2EPTAndUG: UInt64 = 0x00FF_FBFF_0000_0000
    static let eptVpidCap: UInt64 = 0x0000_0F01_0671_4141

    /// IA32_FEATURE_CONTROL values.
    static let lockedVMXOn: UInt64 = 0x5      // lock + VMX outside SMX
    static let lockedVMXOff: UInt64 = 0x1     // lock, VMX disabled: firmware locked VT off

    static let all: [Scenario] = [
        intelBareMetal, amdSVM, ec2XenNoVT, nestedKVMIntel, intelLockedOff, cpu32BitOnly, kvmPVMBackend, containerNoKVM,
    ]

    static func named(_ name: String) -> Scenario { all.first { $0.name == name }! }

    /// Bare-metal Intel (Ice Lake Xeon) with VT-x, kvm_intel, working /dev/kvm.
    static let intelBareMetal = Scenario(name: "intel-vt-baremetal", probes: RecordedProbes(
        leaves: .known(R.leaves(vendor: "GenuineIntel", family: 6, model: 106, stepping: 6,
                                ecx1: E1.modern | E1.vmx | E1.smx | E1.est, edx1: intelEDX1, hypervisorSignature: nil,
                                extEcx: X.lahfLM | X.abm | X.prefetchw, extEdx: intelExtEDX)),
        msrValues: [MSRIndex.featureControl: .known(lockedVMXOn), MSRIndex.vmxProcbasedCtls2: .known(ctls2EPTAndUG),
                    MSRIndex.vmxEptVpidCap: .known(eptVpidCap)],
        otherMSRs: .refused,
        kvm: .known(Recorded.workingKVM(nestedState: 8192)),
        capabilities: .known(Recorded.root), machineName: .known("x86_64"), hostName: "r750-01"))

    /// AMD EPYC (Milan) with AMD-V and kvm_amd. VM_CR = 0x8: locked with SVM enabled.
    static let amdSVM = Scenario(name: "amd-svm", probes: RecordedProbes(
        leaves: .known(R.leaves(vendor: "AuthenticAMD", family: 25, model: 1, stepping: 1,
                                ecx1: E1.modern, edx1: amdEDX1, hypervisorSignature: nil,
                                extEcx: X.lahfLM | X.svm | X.abm | X.sse4a | X.prefetchw, extEdx: intelExtEDX)),
        msrValues: [MSRIndex.amdVMCR: .known(0x8)],
        otherMSRs: .refused,
        kvm: .known(Recorded.workingKVM(nestedState: 16384)),
        capabilities: .known(Recorded.root), machineName: .known("x86_64"), hostName: "epyc-01"))

    /// EC2-like Xen HVM guest: hypervisor bit, XenVMMXenVMM, no vmx, no /dev/kvm.
    static let ec2XenNoVT = Scenario(name: "ec2-xen-novt", probes: RecordedProbes(
        leaves: .known(R.leaves(vendor: "GenuineIntel", family: 6, model: 63, stepping: 2,
                                ecx1: E1.modern | E1.hypervisor, edx1: 0x1789_FBFF, hypervisorSignature: "XenVMMXenVMM",
                                extEcx: X.lahfLM | X.abm, extEdx: intelExtEDX)),
        msrValues: [:],
        otherMSRs: .refused,
        kvm: .known(Recorded.missingKVM),
        capabilities: .known(Recorded.root), machineName: .known("x86_64"), hostName: "ip-172-31-5-10"))

    /// A KVM guest whose host exposes VT-x (nested virtualization).
    static let nestedKVMIntel = Scenario(name: "nested-kvm-intel", probes: RecordedProbes(
        leaves: .known(R.leaves(vendor: "GenuineIntel", family: 6, model: 106, stepping: 6,
                                ecx1: E1.modern | E1.vmx | E1.hypervisor, edx1: 0x0F8B_FBFF, hypervisorSignature: "KVMKVMKVM",
                                extEcx: X.lahfLM | X.abm | X.prefetchw, extEdx: intelExtEDX)),
        msrValues: [MSRIndex.featureControl: .known(lockedVMXOn), MSRIndex.vmxProcbasedCtls2: .known(ctls2EPTAndUG),
                    MSRIndex.vmxEptVpidCap: .known(eptVpidCap)],
        otherMSRs: .refused,
        kvm: .known(Recorded.workingKVM(nestedState: 8192)),
        capabilities: .known(Recorded.root), machineName: .known("x86_64"), hostName: "l1-guest"))

    /// Intel desktop whose firmware locked IA32_FEATURE_CONTROL with VMX off:
    /// CPUID says vmx, the kernel hides it from cpuinfo, kvm_intel did not load.
    static let intelLockedOff = Scenario(name: "intel-vt-locked-off", probes: RecordedProbes(
        leaves: .known(R.leaves(vendor: "GenuineIntel", family: 6, model: 158, stepping: 10,
                                ecx1: E1.modern | E1.vmx | E1.smx | E1.est, edx1: intelEDX1, hypervisorSignature: nil,
                                extEcx: X.lahfLM | X.abm | X.prefetchw, extEdx: intelExtEDX)),
        msrValues: [MSRIndex.featureControl: .known(lockedVMXOff), MSRIndex.vmxProcbasedCtls2: .known(ctls2EPTAndUG),
                    MSRIndex.vmxEptVpidCap: .known(eptVpidCap)],
        otherMSRs: .refused,
        kvm: .known(Recorded.missingKVM),
        capabilities: .known(Recorded.root), machineName: .known("x86_64"), hostName: "optiplex"))

    /// Core Duo (Yonah): VT-x without EPT/unrestricted guest, no long mode; 32-bit kernel.
    static let cpu32BitOnly = Scenario(name: "cpu-32bit-only", probes: RecordedProbes(
        leaves: .known(R.leaves(vendor: "GenuineIntel", family: 6, model: 14, stepping: 8,
                                ecx1: E1.sse3 | E1.monitor | E1.vmx | E1.est | (1 << 8) | (1 << 14), edx1: 0xBFE9_FBFF,
                                hypervisorSignature: nil, extEcx: 0, extEdx: X.nx)),
        msrValues: [MSRIndex.featureControl: .known(lockedVMXOn)],
        otherMSRs: .refused,   // no secondary controls, no EPT capability MSR on Yonah
        kvm: .known(Recorded.workingKVM()),
        capabilities: .known(Recorded.root), machineName: .known("i686"), hostName: "t60"))

    /// A KVM guest without VT where /dev/kvm is served by kvm_pvm (software
    /// virtualization): it opens and creates VMs, but ordinary guests do not run.
    static let kvmPVMBackend = Scenario(name: "kvm-pvm-backend", probes: RecordedProbes(
        leaves: .known(R.leaves(vendor: "GenuineIntel", family: 6, model: 106, stepping: 6,
                                ecx1: E1.modern | E1.hypervisor, edx1: 0x0F8B_FBFF, hypervisorSignature: "KVMKVMKVM",
                                extEcx: X.lahfLM | X.abm | X.prefetchw, extEdx: intelExtEDX)),
        msrValues: [:],
        otherMSRs: .refused,
        kvm: .known(Recorded.workingKVM()),
        capabilities: .known(Recorded.root), machineName: .known("x86_64"), hostName: "ecs-pvm"))

    /// A container on a VT-x host: no /dev/kvm, no /dev/cpu/N/msr, no CAP_SYS_RAWIO.
    static let containerNoKVM = Scenario(name: "container-no-kvm", probes: RecordedProbes(
        leaves: .known(R.leaves(vendor: "GenuineIntel", family: 6, model: 85, stepping: 7,
                                ecx1: E1.modern | E1.vmx | E1.smx | E1.est, edx1: intelEDX1, hypervisorSignature: nil,
                                extEcx: X.lahfLM | X.abm | X.prefetchw, extEdx: intelExtEDX)),
        msrValues: [:],
        otherMSRs: .missing,
        kvm: .known(Recorded.missingKVM),
        capabilities: .known(ProcessCapabilities(sysRawio: false, sysAdmin: false, effectiveUID: 0)),
        machineName: .known("x86_64"), hostName: "3f2a9c1b7d4e"))
}
