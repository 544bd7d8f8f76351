/// Errors that stop a probe or a replay altogether. Individual facts that
/// cannot be read are not errors: they are `Fact.unknown` with a reason.
public enum HostProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The root directory given for an audit cannot be read.
    case rootNotReadable(path: String, errno: Int32)
    /// The root given for an audit is not a directory.
    case rootNotADirectory(path: String)
    /// A recorded facts file could not be read.
    case factsFileUnreadable(path: String, errno: Int32)
    /// A recorded facts file is not valid HostFacts JSON.
    case factsFileInvalid(path: String, detail: String)
    /// A recorded facts file uses a schema version this library does not know.
    case unsupportedSchemaVersion(found: Int, supported: Int)

    public var description: String {
        switch self {
        case .rootNotReadable(let path, let errno):
            return "cannot read root directory \(path): \(ErrnoName.describe(errno))"
        case .rootNotADirectory(let path):
            return "root \(path) is not a directory"
        case .factsFileUnreadable(let path, let errno):
            return "cannot read facts file \(path): \(ErrnoName.describe(errno))"
        case .factsFileInvalid(let path, let detail):
            return "facts file \(path) is not valid HostFacts JSON: \(detail)"
        case .unsupportedSchemaVersion(let found, let supported):
            return "facts schema version \(found) is not supported (this library reads version \(supported))"
        }
    }
}
