/// A fact about the host that may be unknown. Unknown is a valid answer and
/// always says why (e.g. "MSR not readable: needs CAP_SYS_RAWIO"), with the
/// errno when a system call said so.
///
/// JSON: `{"status":"known","value":…}` or
/// `{"status":"unknown","reason":"…","errno":13}`.
public enum Fact<Value: Sendable & Codable & Equatable>: Sendable, Equatable, Codable {
    case known(Value)
    case unknown(Unknown)

    public typealias Unknown = UnknownFact

    /// Shorthand for an unknown fact.
    public static func unknown(_ reason: String, errno: Int32? = nil) -> Fact {
        .unknown(Unknown(reason: reason, errno: errno))
    }

    /// The value when known.
    public var value: Value? {
        if case .known(let value) = self { return value }
        return nil
    }

    /// The reason when unknown.
    public var unknownReason: Unknown? {
        if case .unknown(let why) = self { return why }
        return nil
    }

    public func map<T>(_ transform: (Value) -> T) -> Fact<T> {
        switch self {
        case .known(let value): return .known(transform(value))
        case .unknown(let why): return .unknown(why)
        }
    }

    private enum CodingKeys: String, CodingKey { case status, value, reason, errno }
    private enum Status: String, Codable { case known, unknown }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Status.self, forKey: .status) {
        case .known: self = .known(try container.decode(Value.self, forKey: .value))
        case .unknown:
            self = .unknown(Unknown(
                reason: try container.decode(String.self, forKey: .reason),
                errno: try container.decodeIfPresent(Int32.self, forKey: .errno)))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .known(let value):
            try container.encode(Status.known, forKey: .status)
            try container.encode(value, forKey: .value)
        case .unknown(let why):
            try container.encode(Status.unknown, forKey: .status)
            try container.encode(why.reason, forKey: .reason)
            try container.encodeIfPresent(why.errno, forKey: .errno)
        }
    }
}

/// Why a fact is unknown.
public struct UnknownFact: Sendable, Equatable, Codable, CustomStringConvertible {
    public var reason: String
    /// The errno a system call returned, when one did.
    public var errno: Int32?

    public init(reason: String, errno: Int32? = nil) {
        self.reason = reason
        self.errno = errno
    }

    public var description: String {
        if let errno { return "\(reason) (errno \(errno): \(ErrnoName.describe(errno)))" }
        return reason
    }
}

