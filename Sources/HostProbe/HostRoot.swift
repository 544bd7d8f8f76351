#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system root every host file is read through: `/` for the live
/// host, or a recorded tree (a "sysroot" holding `proc/` and `sys/`) for
/// tests and offline audits.
public struct HostRoot: Sendable, Equatable, Codable {
    /// Absolute or relative path of the root directory.
    public let path: String

    /// The live host.
    public static let live = HostRoot(uncheckedPath: "/")

    /// A root at `path`. Throws when it is not a readable directory.
    public init(path: String) throws(HostProbeError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .rootNotReadable(path: path, errno: errno)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .rootNotADirectory(path: path)
        }
        self.path = path
    }

    init(uncheckedPath: String) { self.path = uncheckedPath }

    /// True when this is the live host's `/`: only then do live-only probes
    /// (CPUID, MSRs, ioctls, process capabilities) describe this root.
    public var isLive: Bool { path == "/" }

    /// `relative` (e.g. "proc/cpuinfo") resolved against the root.
    public func resolve(_ relative: String) -> String {
        let trimmed = relative.hasPrefix("/") ? String(relative.dropFirst()) : relative
        if path == "/" { return "/" + trimmed }
        return path.hasSuffix("/") ? path + trimmed : path + "/" + trimmed
    }

    /// Reads a whole small file (procfs/sysfs files report size 0, so this
    /// reads until EOF). Missing, unreadable and oversized files are errors
    /// the caller turns into unknown facts.
    public func readText(_ relative: String, limit: Int = 4 << 20) -> Result<String, FileReadError> {
        let full = resolve(relative)
        let fd = open(full, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileReadError(path: full, errno: errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(FileReadError(path: full, errno: errno))
            }
            if got == 0 { break }
            bytes.append(contentsOf: chunk[0..<got])
            if bytes.count > limit { return .failure(FileReadError(path: full, errno: EFBIG)) }
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// A file's text with surrounding white space removed, as a fact.
    public func fact(_ relative: String) -> Fact<String> {
        switch readText(relative) {
        case .success(let text): return .known(text.trimmingWhitespace())
        case .failure(let error): return .unknown(error.reason, errno: error.errno)
        }
    }

    /// Whether a path exists under the root (without following a final link).
    public func exists(_ relative: String) -> Bool {
        var info = stat()
        return lstat(resolve(relative), &info) == 0
    }

    /// Names in a directory, sorted; nil when it cannot be listed.
    public func list(_ relative: String) -> Result<[String], FileReadError> {
        let full = resolve(relative)
        guard let dir = opendir(full) else { return .failure(FileReadError(path: full, errno: errno)) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names.sorted())
    }

    /// File type of a path, following links; nil when absent.
    func fileType(_ relative: String) -> mode_t? {
        var info = stat()
        guard stat(resolve(relative), &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }
}

/// A host file that could not be read.
public struct FileReadError: Error, Sendable, Equatable {
    public var path: String
    public var errno: Int32

    public var reason: String {
        switch errno {
        case ENOENT: return "\(path) does not exist"
        case EACCES, EPERM: return "\(path) is not readable by this process"
        default: return "\(path) could not be read"
        }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}
