/// CPUID leaves decoded into what virtualization cares about.
public struct CPUIDSummary: Sendable, Equatable, Codable {
    /// Leaf 0 vendor string ("GenuineIntel", "AuthenticAMD", "HygonGenuine", ...).
    public var vendor: String?
    public var family: Int?
    public var model: Int?
    public var stepping: Int?
    /// Leaf 1 ECX[5].
    public var vmx: Bool?
    /// Leaf 0x80000001 ECX[2].
    public var svm: Bool?
    /// Leaf 1 ECX[31]: running under a hypervisor.
    public var hypervisorBit: Bool?
    /// Leaf 0x40000000 EBX:ECX:EDX, raw (NULs removed).
    public var hypervisorSignature: String?
    /// The hypervisor named from its signature, or the raw signature.
    public var hypervisorVendor: String?
    /// Leaf 0x80000001 EDX[29].
    public var longMode: Bool?

    enum CodingKeys: String, CodingKey {
        case vendor, family, model, stepping, vmx, svm, hypervisorBit = "hypervisor_bit"
        case hypervisorSignature = "hypervisor_signature", hypervisorVendor = "hypervisor_vendor"
        case longMode = "long_mode"
    }

    /// Decodes recorded leaves. A leaf that was not recorded leaves its
    /// fields nil (unknown), never false.
    public init(leaves: [CPUIDLeaf]) {
        func leaf(_ number: UInt32) -> CPUIDLeaf? { leaves.first { $0.leaf == number && $0.subleaf == 0 } }
        if let l0 = leaf(0) { vendor = Self.text(l0.ebx, l0.edx, l0.ecx) }
        let maxExtended = leaf(0x8000_0000)?.eax ?? 0
        if let l1 = leaf(1) {
            let baseFamily = Int((l1.eax >> 8) & 0xF)
            let extFamily = Int((l1.eax >> 20) & 0xFF)
            let baseModel = Int((l1.eax >> 4) & 0xF)
            let extModel = Int((l1.eax >> 16) & 0xF)
            family = baseFamily == 0xF ? baseFamily + extFamily : baseFamily
            model = (baseFamily == 0x6 || baseFamily == 0xF) ? (extModel << 4) + baseModel : baseModel
            stepping = Int(l1.eax & 0xF)
            vmx = (l1.ecx >> 5) & 1 == 1
            hypervisorBit = (l1.ecx >> 31) & 1 == 1
        }
        if maxExtended >= 0x8000_0001, let ext = leaf(0x8000_0001) {
            svm = (ext.ecx >> 2) & 1 == 1
            longMode = (ext.edx >> 29) & 1 == 1
        } else if leaf(0x8000_0000) != nil {
            // The CPU answered the extended range and has no leaf 0x80000001: no long mode, no SVM.
            svm = false
            longMode = false
        }
        if hypervisorBit == true, let hv = leaf(0x4000_0000) {
            let signature = Self.text(hv.ebx, hv.ecx, hv.edx)
            hypervisorSignature = signature
            hypervisorVendor = Self.hypervisorName(signature: signature)
        }
    }

    /// Known hypervisor signatures at CPUID 0x40000000 (EBX, ECX, EDX).
    public static let knownSignatures: [String: String] = [
        "KVMKVMKVM": "KVM",
        "XenVMMXenVMM": "Xen",
        "Microsoft Hv": "Hyper-V",
        "VMwareVMware": "VMware",
        "TCGTCGTCGTCG": "TCG",
        "bhyve bhyve": "bhyve",
        "BHyVE BHyVE": "bhyve",
        "ACRNACRNACRN": "ACRN",
        "QNXQVMBSQG": "QNX",
        "prl hyperv": "Parallels",
        "lrpepyh  vr": "Parallels",
        "VBoxVBoxVBox": "VirtualBox",
        "Jailhouse": "Jailhouse",
        "EVMMEVMMEVMM": "Intel EVMM",
        "UnisysSpar64": "Unisys s-Par",
    ]

    /// The vendor for a signature, or the raw signature for others.
    public static func hypervisorName(signature: String) -> String {
        if let name = knownSignatures[signature] { return name }
        let trimmed = signature.trimmingWhitespace()
        if let name = knownSignatures[trimmed] { return name }
        return signature
    }

    static func text(_ registers: UInt32...) -> String {
        var bytes: [UInt8] = []
        for register in registers {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((register >> UInt32(shift)) & 0xFF)) }
        }
        return String(decoding: bytes.filter { $0 != 0 }, as: UTF8.self)
    }
}
