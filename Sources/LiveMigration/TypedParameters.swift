import CLivCloudLibvirt

/// Owns a libvirt typed-parameter array (`virTypedParameterPtr`): built with
/// `virTypedParamsAdd*`, read with `virTypedParamsGet*`, freed with
/// `virTypedParamsFree`. Not thread-safe; used within one blocking call.
final class TypedParameters {
    private(set) var pointer: virTypedParameterPtr?
    private(set) var count: Int32 = 0
    private var capacity: Int32 = 0

    init() {}

    /// Takes ownership of an array libvirt allocated (e.g. from `virDomainGetJobStats`).
    init(adopting pointer: virTypedParameterPtr?, count: Int32) {
        self.pointer = pointer
        self.count = count
        self.capacity = count
    }

    deinit { virTypedParamsFree(pointer, count) }

    private func add(_ name: String, _ body: (UnsafeMutablePointer<virTypedParameterPtr?>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Int32) throws(LibvirtError) {
        try Libvirt.check("virTypedParamsAdd(\(name))") { body(&pointer, &count, &capacity) }
    }

    func add(_ name: String, _ value: TypedParameterValue) throws(LibvirtError) {
        switch value {
        case .int(let v): try add(name) { virTypedParamsAddInt($0, $1, $2, name, v) }
        case .uint(let v): try add(name) { virTypedParamsAddUInt($0, $1, $2, name, v) }
        case .llong(let v): try add(name) { virTypedParamsAddLLong($0, $1, $2, name, v) }
        case .ullong(let v): try add(name) { virTypedParamsAddULLong($0, $1, $2, name, v) }
        case .double(let v): try add(name) { virTypedParamsAddDouble($0, $1, $2, name, v) }
        case .boolean(let v): try add(name) { virTypedParamsAddBoolean($0, $1, $2, name, v ? 1 : 0) }
        case .string(let v): try add(name) { virTypedParamsAddString($0, $1, $2, name, v) }
        }
    }

    /// Adds one parameter per value under the same name (libvirt's list form,
    /// used by `migrate_disks`).
    func add(_ name: String, strings: [String]) throws(LibvirtError) {
        for value in strings {
            try add(name) { virTypedParamsAddString($0, $1, $2, name, value) }
        }
    }

    func uint64(_ name: String) -> UInt64? {
        var value: UInt64 = 0
        return virTypedParamsGetULLong(pointer, count, name, &value) == 1 ? value : nil
    }

    func int64(_ name: String) -> Int64? {
        var value: Int64 = 0
        return virTypedParamsGetLLong(pointer, count, name, &value) == 1 ? value : nil
    }

    func int32(_ name: String) -> Int32? {
        var value: Int32 = 0
        return virTypedParamsGetInt(pointer, count, name, &value) == 1 ? value : nil
    }

    func uint32(_ name: String) -> UInt32? {
        var value: UInt32 = 0
        return virTypedParamsGetUInt(pointer, count, name, &value) == 1 ? value : nil
    }

    func double(_ name: String) -> Double? {
        var value: Double = 0
        return virTypedParamsGetDouble(pointer, count, name, &value) == 1 ? value : nil
    }

    func bool(_ name: String) -> Bool? {
        var value: Int32 = 0
        return virTypedParamsGetBoolean(pointer, count, name, &value) == 1 ? value != 0 : nil
    }

    func string(_ name: String) -> String? {
        var value: UnsafePointer<CChar>?
        guard virTypedParamsGetString(pointer, count, name, &value) == 1, let value else { return nil }
        return String(cString: value)
    }

    /// Every entry in order, names repeated where libvirt repeats them.
    var entries: [(name: String, value: TypedParameterValue)] {
        guard let pointer else { return [] }
        var result: [(String, TypedParameterValue)] = []
        for index in 0..<Int(count) {
            let param = pointer[index]
            let name = withUnsafeBytes(of: param.field) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            let value: TypedParameterValue?
            switch Int32(param.type) {
            case Int32(VIR_TYPED_PARAM_INT.rawValue): value = .int(param.value.i)
            case Int32(VIR_TYPED_PARAM_UINT.rawValue): value = .uint(param.value.ui)
            case Int32(VIR_TYPED_PARAM_LLONG.rawValue): value = .llong(param.value.l)
            case Int32(VIR_TYPED_PARAM_ULLONG.rawValue): value = .ullong(param.value.ul)
            case Int32(VIR_TYPED_PARAM_DOUBLE.rawValue): value = .double(param.value.d)
            case Int32(VIR_TYPED_PARAM_BOOLEAN.rawValue): value = .boolean(param.value.b != 0)
            case Int32(VIR_TYPED_PARAM_STRING.rawValue): value = param.value.s.map { .string(String(cString: $0)) }
            default: value = nil
            }
            if let value { result.append((name, value)) }
        }
        return result
    }

    /// The entries as a dictionary (the last value wins for repeated names).
    var dictionary: [String: TypedParameterValue] {
        var result: [String: TypedParameterValue] = [:]
        for (name, value) in entries { result[name] = value }
        return result
    }
}
