/// A sparse VM-to-VM traffic matrix: the list of measured flows.
///
/// JSON form: `{"flows": [{"source": "a", "destination": "b", "bytesPerSecond": 1e6}]}`.
/// CSV form: one flow per line, `source,destination,bytesPerSecond`; an optional header line
/// with exactly those names, blank lines and lines starting with `#` are ignored.
/// Repeated (source, destination) pairs add up.
public struct TrafficMatrix: Hashable, Sendable, Codable {
    public var flows: [TrafficFlow]

    public init(flows: [TrafficFlow]) { self.flows = flows }

    /// Parses the CSV form. Errors name the offending line (1-based).
    public init(csv text: String) throws(RelocationError) {
        var flows: [TrafficFlow] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingASCIIWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingASCIIWhitespace() }
            if fields.count != 3 {
                throw .malformedTraffic(line: lineNumber, reason: "expected 3 comma-separated fields, found \(fields.count)")
            }
            if flows.isEmpty, fields[0] == "source", fields[1] == "destination" { continue }
            guard let rate = Double(fields[2]) else {
                throw .malformedTraffic(line: lineNumber, reason: "bytesPerSecond '\(fields[2])' is not a number")
            }
            if fields[0].isEmpty || fields[1].isEmpty {
                throw .malformedTraffic(line: lineNumber, reason: "empty VM name")
            }
            flows.append(TrafficFlow(source: VMID(fields[0]), destination: VMID(fields[1]), bytesPerSecond: rate))
        }
        self.flows = flows
    }

    /// The CSV form, with a header line.
    public func csv() -> String {
        var out = "source,destination,bytesPerSecond\n"
        out.reserveCapacity(flows.count * 24)
        for flow in flows {
            out += "\(flow.source.rawValue),\(flow.destination.rawValue),\(flow.bytesPerSecond)\n"
        }
        return out
    }
}

extension Substring {
    func trimmingASCIIWhitespace() -> String {
        var s = self[...]
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}
