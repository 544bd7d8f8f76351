import CLivCloudLibvirt

/// A libvirt failure, copied from libvirt's thread-local last error on the
/// thread where the failing call ran (see `BlockingExecutor`), so it belongs
/// to that call even after the awaiting task hops threads.
public struct LibvirtError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libvirt's `virErrorNumber`. Known values have names; others keep their number.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let internalError = Code(rawValue: 1)
        public static let noSupport = Code(rawValue: 3)
        public static let noConnect = Code(rawValue: 5)
        public static let invalidArgument = Code(rawValue: 8)
        public static let operationFailed = Code(rawValue: 9)
        public static let domainExists = Code(rawValue: 28)
        public static let operationDenied = Code(rawValue: 29)
        public static let systemError = Code(rawValue: 38)
        public static let rpc = Code(rawValue: 39)
        public static let gnutls = Code(rawValue: 40)
        public static let noDomain = Code(rawValue: 42)
        public static let authFailed = Code(rawValue: 45)
        public static let operationInvalid = Code(rawValue: 55)
        public static let configUnsupported = Code(rawValue: 67)
        public static let operationTimeout = Code(rawValue: 68)
        public static let argumentUnsupported = Code(rawValue: 74)
        public static let operationAborted = Code(rawValue: 78)
        public static let migrateUnsafe = Code(rawValue: 81)
        public static let operationUnsupported = Code(rawValue: 84)

        /// The C enumerator name (`VIR_ERR_...`), or `VIR_ERR_<n>` when this
        /// library does not know the number (a newer libvirt).
        public var name: String {
            switch self {
            case .internalError: "VIR_ERR_INTERNAL_ERROR"
            case .noSupport: "VIR_ERR_NO_SUPPORT"
            case .noConnect: "VIR_ERR_NO_CONNECT"
            case .invalidArgument: "VIR_ERR_INVALID_ARG"
            case .operationFailed: "VIR_ERR_OPERATION_FAILED"
            case .domainExists: "VIR_ERR_DOM_EXIST"
            case .operationDenied: "VIR_ERR_OPERATION_DENIED"
            case .systemError: "VIR_ERR_SYSTEM_ERROR"
            case .rpc: "VIR_ERR_RPC"
            case .gnutls: "VIR_ERR_GNUTLS_ERROR"
            case .noDomain: "VIR_ERR_NO_DOMAIN"
            case .authFailed: "VIR_ERR_AUTH_FAILED"
            case .operationInvalid: "VIR_ERR_OPERATION_INVALID"
            case .configUnsupported: "VIR_ERR_CONFIG_UNSUPPORTED"
            case .operationTimeout: "VIR_ERR_OPERATION_TIMEOUT"
            case .argumentUnsupported: "VIR_ERR_ARGUMENT_UNSUPPORTED"
            case .operationAborted: "VIR_ERR_OPERATION_ABORTED"
            case .migrateUnsafe: "VIR_ERR_MIGRATE_UNSAFE"
            case .operationUnsupported: "VIR_ERR_OPERATION_UNSUPPORTED"
            default: "VIR_ERR_\(rawValue)"
            }
        }

        public var description: String { "\(name)(\(rawValue))" }
    }

    /// libvirt's `virErrorDomain`: the subsystem that raised the error.
    public struct ErrorDomain: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let none = ErrorDomain(rawValue: 0)
        public static let qemu = ErrorDomain(rawValue: 10)
        public static let dom = ErrorDomain(rawValue: 6)
        public static let rpc = ErrorDomain(rawValue: 7)
        public static let test = ErrorDomain(rawValue: 12)
        public static let remote = ErrorDomain(rawValue: 13)
        public static let domainConfig = ErrorDomain(rawValue: 20)

        public var name: String {
            switch self {
            case .none: "VIR_FROM_NONE"
            case .rpc: "VIR_FROM_RPC"
            case .qemu: "VIR_FROM_QEMU"
            case .test: "VIR_FROM_TEST"
            case .remote: "VIR_FROM_REMOTE"
            case .dom: "VIR_FROM_DOM"
            case .domainConfig: "VIR_FROM_DOMAIN"
            default: "VIR_FROM_\(rawValue)"
            }
        }

        public var description: String { "\(name)(\(rawValue))" }
    }

    public var code: Code
    public var domain: ErrorDomain
    public var message: String
    /// The libvirt function (and object) that failed, e.g. `virDomainMigrateToURI3(vm1)`.
    public var operation: String

    public init(code: Code, domain: ErrorDomain, message: String, operation: String) {
        self.code = code
        self.domain = domain
        self.message = message
        self.operation = operation
    }

    public var description: String {
        "\(operation) failed: \(message) [\(code.name), \(domain.name)]"
    }
}

extension LibvirtError {
    /// Copies the calling thread's last libvirt error. Must run on the thread
    /// that made the failing call, right after it.
    static func captureLast(operation: String) -> LibvirtError {
        guard let err = virGetLastError() else {
            return LibvirtError(
                code: .internalError, domain: .none,
                message: "libvirt reported failure without an error record", operation: operation)
        }
        let message = err.pointee.message.map { String(cString: $0) } ?? "(no message)"
        return LibvirtError(
            code: Code(rawValue: err.pointee.code), domain: ErrorDomain(rawValue: err.pointee.domain),
            message: message, operation: operation)
    }
}
