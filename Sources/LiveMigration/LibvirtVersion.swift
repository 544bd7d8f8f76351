/// A libvirt or hypervisor version, decoded from libvirt's
/// `major * 1,000,000 + minor * 1,000 + release` encoding.
public struct LibvirtVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var release: Int

    public init(major: Int, minor: Int, release: Int = 0) {
        self.major = major
        self.minor = minor
        self.release = release
    }

    public init(encoded: UInt) {
        self.init(major: Int(encoded / 1_000_000), minor: Int(encoded / 1_000 % 1_000), release: Int(encoded % 1_000))
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.release) < (rhs.major, rhs.minor, rhs.release)
    }

    public var description: String { "\(major).\(minor).\(release)" }
}
