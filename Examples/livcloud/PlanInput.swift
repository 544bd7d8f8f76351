import ArgumentParser
import Foundation
import Relocation

/// Reading the planner's input files and building the cost function from CLI options.
enum PlanInput {
    /// Reads a JSON topology and a JSON or CSV traffic matrix (CSV when the name ends in
    /// `.csv`), then validates them together.
    static func load(topology topologyPath: String, traffic trafficPath: String) throws -> RelocationProblem {
        let topology: Topology
        do {
            topology = try JSONDecoder().decode(Topology.self, from: try read(topologyPath))
        } catch let error as RelocationError {
            throw error
        } catch {
            throw RelocationError.malformedInput(file: topologyPath, reason: describe(error))
        }
        let traffic: TrafficMatrix
        let data = try read(trafficPath)
        if trafficPath.lowercased().hasSuffix(".csv") {
            traffic = try TrafficMatrix(csv: String(decoding: data, as: UTF8.self))
        } else {
            do {
                traffic = try JSONDecoder().decode(TrafficMatrix.self, from: data)
            } catch {
                throw RelocationError.malformedInput(file: trafficPath, reason: describe(error))
            }
        }
        return try RelocationProblem(topology: topology, traffic: traffic)
    }

    static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RelocationError.malformedInput(file: path, reason: "file not found or unreadable")
        }
        return data
    }

    /// Decoding errors with the JSON path of the culprit.
    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "missing field '\(key.stringValue)' at \(path(context))"
        case .typeMismatch(_, let context)?: return "wrong type at \(path(context)): \(context.debugDescription)"
        case .valueNotFound(_, let context)?: return "missing value at \(path(context))"
        case .dataCorrupted(let context)?: return "invalid JSON at \(path(context)): \(context.debugDescription)"
        default: return "\(error)"
        }
    }

    static let termNames = ["load-factor", "latency", "data-charge", "dc-utilisation", "energy"]

    /// `--weight NAME=W` options to a cost function; load-factor has weight 1 unless given.
    static func costFunction(weights: [String]) throws -> CostFunction {
        var weight: [String: Double] = ["load-factor": 1]
        for item in weights {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, termNames.contains(parts[0]), let w = Double(parts[1]), w.isFinite, w >= 0 else {
                throw ValidationError("--weight expects NAME=WEIGHT with NAME in \(termNames.joined(separator: ", ")) and WEIGHT >= 0; got '\(item)'")
            }
            weight[parts[0]] = w
        }
        var terms: [CostFunction.WeightedTerm] = []
        for name in termNames {
            guard let w = weight[name], w > 0 else { continue }
            let term: any CostTerm =
                switch name {
                case "load-factor": BandwidthLoadFactor()
                case "latency": RoundTripLatency()
                case "data-charge": DataCharge()
                case "dc-utilisation": DataCentreUtilisation()
                default: EnergyPrice()
                }
            terms.append(.init(weight: w, term: term))
        }
        return CostFunction(terms: terms)
    }
}
