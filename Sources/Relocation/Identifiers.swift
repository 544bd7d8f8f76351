/// A name as written in topology and traffic files, typed by what it names so
/// a VM's name cannot be passed where a data centre's is expected. Encoded as
/// a plain JSON string.
public struct Name<Kind>: Hashable, Comparable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a `DataCentreID` names.
public enum DataCentreKind {}
/// What a `VMID` names.
public enum VirtualMachineKind {}

/// The name of a data centre, as written in topology files.
public typealias DataCentreID = Name<DataCentreKind>
/// The name of a virtual machine, as written in topology and traffic files.
public typealias VMID = Name<VirtualMachineKind>
