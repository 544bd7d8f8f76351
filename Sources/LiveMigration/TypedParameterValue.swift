/// One value of a libvirt typed parameter (`virTypedParameter`), in Swift terms.
public enum TypedParameterValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    case int(Int32)
    case uint(UInt32)
    case llong(Int64)
    case ullong(UInt64)
    case double(Double)
    case boolean(Bool)
    case string(String)

    /// The value as an unsigned integer when it is a non-negative integer of any width.
    public var unsignedValue: UInt64? {
        switch self {
        case .int(let v): v >= 0 ? UInt64(v) : nil
        case .uint(let v): UInt64(v)
        case .llong(let v): v >= 0 ? UInt64(v) : nil
        case .ullong(let v): v
        case .double, .boolean, .string: nil
        }
    }

    public var description: String {
        switch self {
        case .int(let v): "\(v)"
        case .uint(let v): "\(v)"
        case .llong(let v): "\(v)"
        case .ullong(let v): "\(v)"
        case .double(let v): "\(v)"
        case .boolean(let v): "\(v)"
        case .string(let v): v
        }
    }
}
