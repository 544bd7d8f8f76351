import HostProbe

/// Builds CPUID leaves the way the CPU returns them, so recorded scenarios
/// hold real register layouts rather than values copied from a decoder.
enum CPUIDRegisters {
    /// Leaf 1 ECX bits.
    enum ECX1 {
        static let sse3: UInt32 = 1 << 0
        static let pclmulqdq: UInt32 = 1 << 1
        static let monitor: UInt32 = 1 << 3
        static let vmx: UInt32 = 1 << 5
        static let smx: UInt32 = 1 << 6
        static let est: UInt32 = 1 << 7
        static let ssse3: UInt32 = 1 << 9
        static let fma: UInt32 = 1 << 12
        static let cx16: UInt32 = 1 << 13
        static let pcid: UInt32 = 1 << 17
        static let sse41: UInt32 = 1 << 19
        static let sse42: UInt32 = 1 << 20
        static let x2apic: UInt32 = 1 << 21
        static let movbe: UInt32 = 1 << 22
        static let popcnt: UInt32 = 1 << 23
        static let aes: UInt32 = 1 << 25
        static let xsave: UInt32 = 1 << 26
        static let osxsave: UInt32 = 1 << 27
        static let avx: UInt32 = 1 << 28
        static let f16c: UInt32 = 1 << 29
        static let rdrand: UInt32 = 1 << 30
        static let hypervisor: UInt32 = 1 << 31
        /// A modern server core without vmx/hypervisor (those are added per scenario).
        static let modern: UInt32 = sse3 | pclmulqdq | monitor | ssse3 | fma | cx16 | pcid | sse41 | sse42 | x2apic
            | movbe | popcnt | aes | xsave | osxsave | avx | f16c | rdrand
    }

    /// Leaf 0x80000001 ECX/EDX bits.
    enum Ext1 {
        static let lahfLM: UInt32 = 1 << 0
        static let svm: UInt32 = 1 << 2
        static let abm: UInt32 = 1 << 5
        static let sse4a: UInt32 = 1 << 6
        static let prefetchw: UInt32 = 1 << 8
        static let syscall: UInt32 = 1 << 11
        static let nx: UInt32 = 1 << 20
        static let pdpe1gb: UInt32 = 1 << 26
        static let rdtscp: UInt32 = 1 << 27
        static let lm: UInt32 = 1 << 29
    }

    /// Three little-endian registers holding 12 bytes of `text` (NUL padded).
    static func words(_ text: String) -> [UInt32] {
        var bytes = Array(text.utf8)
        precondition(bytes.count <= 12, "CPUID strings are 12 bytes")
        bytes += [UInt8](repeating: 0, count: 12 - bytes.count)
        return (0..<3).map { word in
            (0..<4).reduce(UInt32(0)) { acc, i in acc | UInt32(bytes[word * 4 + i]) << UInt32(8 * i) }
        }
    }

    /// Leaf 0: max basic leaf in EAX, vendor string in EBX, EDX, ECX (that order).
    static func vendor(_ vendor: String, maxBasic: UInt32) -> CPUIDLeaf {
        let w = words(vendor)
        return CPUIDLeaf(leaf: 0, eax: maxBasic, ebx: w[0], ecx: w[2], edx: w[1])
    }

    /// Leaf 1: EAX = stepping | model | family | extended model | extended family.
    static func signature(family: Int, model: Int, stepping: Int) -> UInt32 {
        let baseFamily = UInt32(min(family, 0xF))
        let extFamily = UInt32(family >= 0xF ? family - 0xF : 0)
        let baseModel = UInt32(model & 0xF)
        let extModel = UInt32((model >> 4) & 0xF)
        return UInt32(stepping & 0xF) | baseModel << 4 | baseFamily << 8 | extModel << 16 | extFamily << 20
    }

    static func leaf1(family: Int, model: Int, stepping: Int, ecx: UInt32, edx: UInt32) -> CPUIDLeaf {
        CPUIDLeaf(leaf: 1, eax: signature(family: family, model: model, stepping: stepping), ebx: 0x0010_0800, ecx: ecx, edx: edx)
    }

    /// Leaf 0x40000000: max hypervisor leaf in EAX, signature in EBX, ECX, EDX.
    static func hypervisor(_ signature: String) -> CPUIDLeaf {
        let w = words(signature)
        return CPUIDLeaf(leaf: 0x4000_0000, eax: 0x4000_0001, ebx: w[0], ecx: w[1], edx: w[2])
    }

    /// Leaf 0x80000000: max extended leaf; AMD repeats its vendor string there.
    static func extendedMax(_ max: UInt32, vendor: String? = nil) -> CPUIDLeaf {
        let w = vendor.map(words) ?? [0, 0, 0]
        return CPUIDLeaf(leaf: 0x8000_0000, eax: max, ebx: w[0], ecx: w[2], edx: w[1])
    }

    static func extended1(ecx: UInt32, edx: UInt32) -> CPUIDLeaf {
        CPUIDLeaf(leaf: 0x8000_0001, eax: 0, ebx: 0, ecx: ecx, edx: edx)
    }

    /// The leaves `LiveSystemProbes` reads, in its order: 0, 1, 0x40000000 only
    /// when the hypervisor bit is set, 0x80000000, 0x80000001 when in range.
    static func leaves(vendor name: String, family: Int, model: Int, stepping: Int, ecx1: UInt32, edx1: UInt32,
                       hypervisorSignature: String?, extEcx: UInt32, extEdx: UInt32) -> [CPUIDLeaf] {
        var leaves = [vendor(name, maxBasic: 0x1B), leaf1(family: family, model: model, stepping: stepping, ecx: ecx1, edx: edx1)]
        if ecx1 & ECX1.hypervisor != 0, let hypervisorSignature { leaves.append(hypervisor(hypervisorSignature)) }
        leaves.append(extendedMax(0x8000_0008, vendor: name == "AuthenticAMD" ? name : nil))
        leaves.append(extended1(ecx: extEcx, edx: extEdx))
        return leaves
    }
}
