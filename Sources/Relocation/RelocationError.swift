/// Why a relocation problem, plan or execution was rejected. Each case names the culprit.
public enum RelocationError: Error, Hashable, Sendable, CustomStringConvertible {
    case duplicateDataCentre(DataCentreID)
    case duplicateVM(VMID)
    case duplicateLink(from: DataCentreID, to: DataCentreID)
    case selfLink(DataCentreID)
    case unknownDataCentre(DataCentreID, referencedBy: String)
    case unknownVM(VMID, referencedBy: String)
    case invalidBandwidth(from: DataCentreID, to: DataCentreID, bandwidth: Double)
    case invalidCapacity(DataCentreID, capacity: Double)
    case invalidSize(VMID, size: Double)
    case invalidTraffic(source: VMID, destination: VMID, bytesPerSecond: Double)
    case selfTraffic(VMID)
    case missingLink(from: DataCentreID, to: DataCentreID, source: VMID, destination: VMID)
    case capacityExceeded(DataCentreID, used: Double, capacity: Double)
    case malformedTraffic(line: Int, reason: String)
    case malformedInput(file: String, reason: String)
    case invalidMove(index: Int, vm: VMID, reason: String)
    case missingURI(DataCentreID)

    public var description: String {
        switch self {
        case .duplicateDataCentre(let dc): "data centre '\(dc)' is defined more than once"
        case .duplicateVM(let vm): "VM '\(vm)' is defined more than once"
        case .duplicateLink(let from, let to): "link '\(from)' -> '\(to)' is defined more than once"
        case .selfLink(let dc): "link from data centre '\(dc)' to itself is not allowed (intra-DC traffic is free)"
        case .unknownDataCentre(let dc, let by): "unknown data centre '\(dc)' referenced by \(by)"
        case .unknownVM(let vm, let by): "unknown VM '\(vm)' referenced by \(by)"
        case .invalidBandwidth(let from, let to, let bw):
            "link '\(from)' -> '\(to)' has invalid bandwidth \(bw) (must be a positive, finite number of bytes/s)"
        case .invalidCapacity(let dc, let cap):
            "data centre '\(dc)' has invalid capacity \(cap) (must be finite and >= 0)"
        case .invalidSize(let vm, let size): "VM '\(vm)' has invalid size \(size) (must be finite and >= 0)"
        case .invalidTraffic(let s, let d, let r):
            "traffic '\(s)' -> '\(d)' has invalid rate \(r) (must be finite and >= 0 bytes/s)"
        case .selfTraffic(let vm): "traffic from VM '\(vm)' to itself is not allowed"
        case .missingLink(let from, let to, let s, let d):
            "link '\(from)' -> '\(to)' is missing but traffic '\(s)' -> '\(d)' needs it"
        case .capacityExceeded(let dc, let used, let cap):
            "data centre '\(dc)' is over capacity at start: \(used) used > \(cap) capacity"
        case .malformedTraffic(let line, let reason): "traffic CSV line \(line): \(reason)"
        case .malformedInput(let file, let reason): "cannot read \(file): \(reason)"
        case .invalidMove(let index, let vm, let reason): "move #\(index) of VM '\(vm)' is invalid: \(reason)"
        case .missingURI(let dc): "no libvirt URI given for data centre '\(dc)'"
        }
    }
}
