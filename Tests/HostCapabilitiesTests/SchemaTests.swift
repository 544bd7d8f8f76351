import Foundation
import HostCapabilities
import HostProbe
import Testing

/// `Documentation/host-facts.schema.json` and `host-capabilities.schema.json`
/// describe the JSON exactly as encoded.
@Suite("JSON schemas")
struct SchemaTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let factsSchema = packageRoot.appendingPathComponent("Documentation/host-facts.schema.json")
    static let capabilitiesSchema = packageRoot.appendingPathComponent("Documentation/host-capabilities.schema.json")

    static func load(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], "\(url.path)")
    }

    static func encodedCapabilities(_ caps: HostCapabilities) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(caps)
    }

    /// Facts and capabilities of every scenario, plus this machine's live facts.
    static func documents() throws -> [(name: String, facts: Data, capabilities: Data)] {
        var out: [(String, Data, Data)] = []
        for scenario in Scenario.all {
            let facts = try HostFacts.replay(from: Fixtures.factsFile(scenario.name))
            out.append((scenario.name, try facts.jsonData(), try encodedCapabilities(CapabilityModel.decide(facts))))
        }
        let live = HostFactsCollector().collectBlocking()
        out.append(("live", try live.jsonData(), try encodedCapabilities(CapabilityModel.decide(live))))
        return out
    }

    @Test("both schemas are draft 2020-12, version 1, and require every top-level key")
    func headers() throws {
        for (url, facts) in [(Self.factsSchema, true), (Self.capabilitiesSchema, false)] {
            let schema = try Self.load(url)
            #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
            #expect((schema["$id"] as? String)?.hasSuffix("/1") == true, "\(url.lastPathComponent): $id names version 1")
            let properties = try #require(schema["properties"] as? [String: Any])
            let required = try #require(schema["required"] as? [String])
            #expect(Set(required) == Set(properties.keys))
            #expect((properties["schema_version"] as? [String: Any])?["const"] as? Int
                    == (facts ? HostFacts.currentSchemaVersion : HostCapabilities.currentSchemaVersion))
        }
    }

    @Test("the reason codes and strategies in the schema are the model's")
    func enumsMatchTheModel() throws {
        let schema = try Self.load(Self.capabilitiesSchema)
        let defs = try #require(schema["$defs"] as? [String: Any])
        let reason = try #require(defs["reason"] as? [String: Any])
        let code = try #require((reason["properties"] as? [String: Any])?["code"] as? [String: Any])
        #expect(Set(code["enum"] as? [String] ?? []) == Set(ReasonCode.allCases.map(\.rawValue)))
        let strategy = try #require((schema["properties"] as? [String: Any])?["strategy"] as? [String: Any])
        #expect(Set(strategy["enum"] as? [String] ?? []) == Set(Strategy.allCases.map(\.rawValue)))
    }

    @Test("every recorded and live document has the keys the schema requires (structural check)")
    func structural() throws {
        let factsSchema = try Self.load(Self.factsSchema)
        let capsSchema = try Self.load(Self.capabilitiesSchema)
        for document in try Self.documents() {
            let facts = try JSONSerialization.jsonObject(with: document.facts)
            let caps = try JSONSerialization.jsonObject(with: document.capabilities)
            var problems: [String] = []
            StructuralValidator(root: factsSchema).check(facts, against: factsSchema, at: "$", &problems)
            StructuralValidator(root: capsSchema).check(caps, against: capsSchema, at: "$", &problems)
            #expect(problems.isEmpty, "\(document.name): \(problems)")
        }
        // The check is not vacuous: a document without a required key fails it.
        var damaged = try #require(try JSONSerialization.jsonObject(with: Self.documents()[0].facts) as? [String: Any])
        damaged.removeValue(forKey: "kvm_device")
        var problems: [String] = []
        StructuralValidator(root: factsSchema).check(damaged, against: factsSchema, at: "$", &problems)
        #expect(problems.contains { $0.contains("kvm_device") })
    }

    static let jsonschemaAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import jsonschema"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test("python3 jsonschema validates every document (and rejects a damaged one)",
          .enabled(if: SchemaTests.jsonschemaAvailable, "needs python3 with the jsonschema module"))
    func fullValidation() throws {
        let fm = FileManager.default
        let directory = fm.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: directory) }
        var pairs: [String] = []
        for (index, document) in try Self.documents().enumerated() {
            let facts = directory.appendingPathComponent("\(index)-facts.json")
            let caps = directory.appendingPathComponent("\(index)-caps.json")
            try document.facts.write(to: facts)
            try document.capabilities.write(to: caps)
            pairs += [Self.factsSchema.path, facts.path, Self.capabilitiesSchema.path, caps.path]
        }
        // A capabilities document with an unknown strategy must be rejected.
        var bad = try #require(try JSONSerialization.jsonObject(with: Self.documents()[0].capabilities) as? [String: Any])
        bad["strategy"] = "hvf"
        let badURL = directory.appendingPathComponent("bad-caps.json")
        try JSONSerialization.data(withJSONObject: bad).write(to: badURL)

        let script = """
            import json, sys
            from jsonschema import Draft202012Validator
            args = sys.argv[1:]
            failures = []
            for schema_path, doc_path in zip(args[0::2], args[1::2]):
                schema = json.load(open(schema_path))
                Draft202012Validator.check_schema(schema)
                errors = list(Draft202012Validator(schema).iter_errors(json.load(open(doc_path))))
                expect_bad = doc_path.endswith("bad-caps.json")
                if bool(errors) != expect_bad:
                    failures.append(f"{doc_path}: {[e.message for e in errors][:3] or 'accepted a bad document'}")
            print("\\n".join(failures))
            sys.exit(1 if failures else 0)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + pairs + [Self.capabilitiesSchema.path, badURL.path]
        let output = directory.appendingPathComponent("out.txt")
        _ = fm.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = String(decoding: try Data(contentsOf: output), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
    }
}

/// A small structural JSON Schema check: `$ref` to `#/$defs`, `oneOf`,
/// `required`, `properties`, `additionalProperties` (false or a schema),
/// `items`, `const`, `enum` and `type`. Enough to catch a missing or renamed
/// key without a full validator.
struct StructuralValidator {
    let root: [String: Any]

    func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String, ref.hasPrefix("#/$defs/") else { return schema }
        let name = String(ref.dropFirst("#/$defs/".count))
        return ((root["$defs"] as? [String: Any])?[name] as? [String: Any]).map(resolve) ?? [:]
    }

    func check(_ value: Any, against raw: [String: Any], at path: String, _ problems: inout [String]) {
        let schema = resolve(raw)
        if let options = schema["oneOf"] as? [[String: Any]] {
            let matching = options.filter { option in
                var local: [String] = []
                check(value, against: option, at: path, &local)
                return local.isEmpty
            }
            if matching.count != 1 { problems.append("\(path): matches \(matching.count) of oneOf") }
            return
        }
        if let constant = schema["const"] {
            if !same(value, constant) { problems.append("\(path): is not \(constant)") }
        }
        if let options = schema["enum"] as? [Any] {
            if !options.contains(where: { same(value, $0) }) { problems.append("\(path): \(value) not in enum") }
        }
        if let type = schema["type"] {
            let types = (type as? [String]) ?? [type as? String ?? ""]
            if !types.contains(where: { hasType(value, $0) }) { problems.append("\(path): not of type \(types)") }
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path): missing required key \(key)")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, child) in object {
                if let childSchema = properties[key] as? [String: Any] {
                    check(child, against: childSchema, at: "\(path).\(key)", &problems)
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    check(child, against: extra, at: "\(path).\(key)", &problems)
                } else if (schema["additionalProperties"] as? Bool) == false {
                    problems.append("\(path): unexpected key \(key)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() { check(element, against: items, at: "\(path)[\(index)]", &problems) }
        }
    }

    func hasType(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "null": return value is NSNull
        case "boolean": return isBool(value)
        case "integer": return !isBool(value) && (value as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } == true
        case "number": return !isBool(value) && value is NSNumber
        default: return false
        }
    }

    func isBool(_ value: Any) -> Bool {
        // JSONSerialization gives booleans as an NSNumber subclass whose type encoding is "c".
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    func same(_ a: Any, _ b: Any) -> Bool {
        if let a = a as? String, let b = b as? String { return a == b }
        if let a = a as? NSNumber, let b = b as? NSNumber { return a == b && isBool(a) == isBool(b) }
        return a is NSNull && b is NSNull
    }
}
