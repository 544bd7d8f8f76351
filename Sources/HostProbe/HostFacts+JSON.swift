#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif

extension HostFacts {
    /// Pretty, key-sorted JSON: stable across runs so recordings diff well.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes the facts as JSON to `path`.
    public func record(to path: String) throws {
        try jsonData().write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Decodes recorded facts, checking the schema version first.
    public static func decode(_ data: Data, source: String = "<data>") throws(HostProbeError) -> HostFacts {
        struct VersionOnly: Decodable {
            let schemaVersion: Int
            enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version" }
        }
        let version: Int
        do {
            version = try JSONDecoder().decode(VersionOnly.self, from: data).schemaVersion
        } catch {
            throw .factsFileInvalid(path: source, detail: Self.describe(error))
        }
        guard version == currentSchemaVersion else {
            throw .unsupportedSchemaVersion(found: version, supported: currentSchemaVersion)
        }
        do {
            return try JSONDecoder().decode(HostFacts.self, from: data)
        } catch {
            throw .factsFileInvalid(path: source, detail: Self.describe(error))
        }
    }

    /// Reads recorded facts from a file.
    public static func replay(from path: String) throws(HostProbeError) -> HostFacts {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .factsFileUnreadable(path: path, errno: FileManager.default.fileExists(atPath: path) ? EACCES : ENOENT)
        }
        return try decode(data, source: path)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.debugDescription) at \(path(context))"
        case DecodingError.dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context))"
        default:
            return "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map(\.stringValue)
        return keys.isEmpty ? "top level" : keys.joined(separator: ".")
    }
}
