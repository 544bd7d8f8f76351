import HostCapabilities
import HostProbe

/// The human-readable audit report.
enum AuditReport {
    static func render(_ caps: HostCapabilities, facts: HostFacts) -> String {
        func yesNo(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "unknown" }
        let origin = caps.origin.kind == .live
            ? "live host\(caps.origin.hostname.map { " \($0)" } ?? "")"
            : "recorded tree \(caps.origin.root)"
        let strategyText: String
        switch caps.strategy {
        case .kvm: strategyText = "kvm (hardware virtualization)"
        case .nestedKVM: strategyText = "nested-kvm (VT exposed by the hypervisor below)"
        case .tcg: strategyText = "tcg (QEMU emulation only)"
        }
        var lines = [
            "LivCloud host audit: \(origin)",
            "",
            "  Strategy    \(strategyText)",
            "  Guests      x86_64: \(caps.guests.x86_64.rawValue), i686: \(caps.guests.i686.rawValue)",
            "  CPU         \(caps.cpu.vendor ?? "unknown vendor")\(caps.cpu.modelName.map { " (\($0))" } ?? ""); vmx \(yesNo(caps.cpu.vmx)), svm \(yesNo(caps.cpu.svm)), long mode \(yesNo(caps.cpu.longMode)) [from \(caps.cpu.source)]",
            "  Hypervisor  \(caps.hypervisor.present == true ? "yes, \(caps.hypervisor.vendor ?? "unknown vendor")" : caps.hypervisor.present == false ? "none (bare metal)" : "unknown")",
            "  Firmware    \(caps.firmware.state.rawValue)",
            "  /dev/kvm    present \(yesNo(caps.kvm.devicePresent)), opens \(yesNo(caps.kvm.opens)), backend \(caps.kvm.backend ?? "none") (\(caps.kvm.backendKind.rawValue)), usable \(caps.kvm.usable ? "yes" : "no")",
            "",
            "Reasons:",
        ]
        for reason in caps.reasons {
            lines.append("  [\(reason.severity.rawValue)] \(reason.code.rawValue): \(reason.message)")
            for evidence in reason.evidence {
                lines.append("      evidence: \(evidence.source) = \(evidence.observation)")
            }
            if let fix = reason.remediation { lines.append("      to fix:   \(fix)") }
        }
        let unknowns = unknownFacts(facts)
        if !unknowns.isEmpty {
            lines.append("")
            lines.append("Unknown facts:")
            lines.append(contentsOf: unknowns.map { "  \($0)" })
        }
        return lines.joined(separator: "\n")
    }

    static func unknownFacts(_ facts: HostFacts) -> [String] {
        var out: [String] = []
        if let why = facts.cpuid.unknownReason { out.append("cpuid: \(why)") }
        if let why = facts.cpuinfo.unknownReason { out.append("cpuinfo: \(why)") }
        if let why = facts.msrs.unknownReason { out.append("msrs: \(why)") }
        if let why = facts.kvmDevice.unknownReason { out.append("kvm device: \(why)") }
        if let why = facts.processCapabilities.unknownReason { out.append("process capabilities: \(why)") }
        if let why = facts.kernel.machine.unknownReason { out.append("kernel machine: \(why)") }
        if let why = facts.qemuBinaries.unknownReason { out.append("qemu binaries: \(why)") }
        return out
    }
}
