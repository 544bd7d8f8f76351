/// The parts of `/proc/cpuinfo` that matter for virtualization.
public struct CPUInfo: Sendable, Equatable, Codable {
    /// Number of `processor` entries.
    public var processorCount: Int
    /// `vendor_id` ("GenuineIntel", "AuthenticAMD", ...).
    public var vendorID: String?
    public var cpuFamily: Int?
    public var model: Int?
    public var modelName: String?
    /// `flags` of the first processor.
    public var flags: [String]
    /// The kernel's `vmx flags` line (Linux ≥ 5.9, Intel), nil when absent.
    public var vmxFlags: [String]?
    /// Whether every processor listed the same flags.
    public var flagsConsistent: Bool

    public init(processorCount: Int, vendorID: String?, cpuFamily: Int?, model: Int?, modelName: String?,
                flags: [String], vmxFlags: [String]?, flagsConsistent: Bool) {
        self.processorCount = processorCount
        self.vendorID = vendorID
        self.cpuFamily = cpuFamily
        self.model = model
        self.modelName = modelName
        self.flags = flags
        self.vmxFlags = vmxFlags
        self.flagsConsistent = flagsConsistent
    }

    public func hasFlag(_ flag: String) -> Bool { flags.contains(flag) }

    enum CodingKeys: String, CodingKey {
        case processorCount = "processor_count", vendorID = "vendor_id", cpuFamily = "cpu_family"
        case model, modelName = "model_name", flags, vmxFlags = "vmx_flags"
        case flagsConsistent = "flags_consistent"
    }
}

/// Why a `/proc/cpuinfo` text could not be understood.
public enum CPUInfoParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case noProcessorEntries
    case missingFlags(processor: Int)

    public var description: String {
        switch self {
        case .empty: return "cpuinfo is empty"
        case .noProcessorEntries: return "cpuinfo has no 'processor' entries (not a cpuinfo file, or garbage)"
        case .missingFlags(let processor): return "cpuinfo entry for processor \(processor) has no 'flags' line (truncated?)"
        }
    }
}

/// Parses x86 `/proc/cpuinfo` text.
public enum CPUInfoParser {
    public static func parse(_ text: String) throws(CPUInfoParseError) -> CPUInfo {
        if text.allSatisfy(\.isWhitespace) { throw .empty }
        var blocks: [[String: String]] = []
        var current: [String: String] = [:]
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty {
                if !current.isEmpty { blocks.append(current); current = [:] }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            if key == "processor", !current.isEmpty, current["processor"] != nil {
                blocks.append(current); current = [:]
            }
            current[key] = value
        }
        if !current.isEmpty { blocks.append(current) }
        let processors = blocks.filter { $0["processor"] != nil }
        guard let first = processors.first else { throw .noProcessorEntries }
        guard let flagsLine = first["flags"] else {
            throw .missingFlags(processor: Int(first["processor"] ?? "") ?? 0)
        }
        let flags = flagsLine.split(separator: " ").map(String.init)
        let flagSet = Set(flags)
        let consistent = processors.allSatisfy { block in
            guard let line = block["flags"] else { return false }
            return Set(line.split(separator: " ").map(String.init)) == flagSet
        }
        return CPUInfo(
            processorCount: processors.count,
            vendorID: first["vendor_id"],
            cpuFamily: first["cpu family"].flatMap { Int($0) },
            model: first["model"].flatMap { Int($0) },
            modelName: first["model name"],
            flags: flags,
            vmxFlags: first["vmx flags"].map { $0.split(separator: " ").map(String.init) },
            flagsConsistent: consistent
        )
    }
}
