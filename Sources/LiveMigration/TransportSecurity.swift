import Foundation

/// The "secure by default" rule: migration data (and the peer-to-peer
/// control connection) must not cross a non-loopback network in plain text
/// unless the caller explicitly allows it. Checked before any connection.
public enum TransportSecurity {
    /// The host part of a libvirt or migration URI: `qemu+tcp://h:p/system`,
    /// `tcp://h:p`, `tcp:h:p`, `qemu:///system` (nil host = local socket).
    public static func host(of uri: String) throws -> String? {
        guard let colon = uri.firstIndex(of: ":") else {
            throw MigrationError.invalidURI(uri, reason: "no scheme")
        }
        let rest = uri[uri.index(after: colon)...]
        if rest.hasPrefix("//") {
            guard let components = URLComponents(string: uri) else {
                throw MigrationError.invalidURI(uri, reason: "not a URI")
            }
            guard let host = components.host, !host.isEmpty else { return nil }
            return host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        }
        // Legacy `tcp:host[:port]` form.
        let hostPort = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw MigrationError.invalidURI(uri, reason: "unterminated IPv6 address")
            }
            return String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
        }
        let host = hostPort.split(separator: ":").first.map(String.init) ?? ""
        return host.isEmpty ? nil : host
    }

    /// Loopback by its literal form only; names other than `localhost` are
    /// never resolved (resolving would be a network access).
    public static func isLoopback(_ host: String?) -> Bool {
        guard let host = host?.lowercased() else { return true }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Transports of a libvirt connection URI that encrypt the control channel.
    static func isEncryptedControl(_ uri: String) -> Bool {
        let scheme = uri.prefix(while: { $0 != ":" }).lowercased()
        return scheme.hasSuffix("+tls") || scheme.hasSuffix("+ssh") || scheme.hasSuffix("+libssh")
            || scheme.hasSuffix("+libssh2")
    }

    /// Throws `MigrationError.insecurePlainText` when data or the peer-to-peer
    /// control channel would go unencrypted to a non-loopback host.
    public static func check(destinationURI: String, migrateURI: String?, policy: MigrationPolicy) throws {
        let destinationHost = try host(of: destinationURI)
        let dataURI = migrateURI ?? destinationURI
        let dataHost = try migrateURI.map { try host(of: $0) } ?? destinationHost
        if let migrateURI {
            let scheme = migrateURI.prefix(while: { $0 != ":" }).lowercased()
            guard scheme == "tcp" || scheme == "rdma" || scheme == "unix" else {
                throw MigrationError.invalidURI(migrateURI, reason: "migrate URI scheme must be tcp, rdma or unix")
            }
        }
        if policy.allowPlainText { return }
        if !policy.tls && !policy.offline && !isLoopback(dataHost) {
            throw MigrationError.insecurePlainText(host: dataHost ?? "", uri: dataURI)
        }
        if !isEncryptedControl(destinationURI) && !isLoopback(destinationHost) {
            throw MigrationError.insecurePlainText(host: destinationHost ?? "", uri: destinationURI)
        }
    }
}
