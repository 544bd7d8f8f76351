#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Human-readable names for the errno values the probes report.
public enum ErrnoName {
    /// "EACCES (Permission denied)" style text for an errno.
    public static func describe(_ code: Int32) -> String {
        let symbol = symbols[code].map { "\($0) " } ?? ""
        return "\(symbol)(\(String(cString: strerror(code))))"
    }

    static let symbols: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", EIO: "EIO", ENXIO: "ENXIO", EBADF: "EBADF",
        ENOMEM: "ENOMEM", EACCES: "EACCES", EBUSY: "EBUSY", ENODEV: "ENODEV",
        EINVAL: "EINVAL", ENOTTY: "ENOTTY", EROFS: "EROFS", ENOSYS: "ENOSYS",
        EOPNOTSUPP: "EOPNOTSUPP", ENAMETOOLONG: "ENAMETOOLONG",
    ]
}
