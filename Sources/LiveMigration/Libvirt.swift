import CLivCloudLibvirt

/// Process-wide libvirt set-up and the per-call error capture used by every wrapper.
enum Libvirt {
    /// Initialises libvirt once and silences its default error printing to
    /// stderr: errors are returned as `LibvirtError` values instead.
    static let initialized: Bool = {
        virSetErrorFunc(nil, silentErrorHandler)
        return virInitialize() == 0
    }()

    static let silentErrorHandler: virErrorFunc = { _, _ in }

    /// Runs one libvirt call that signals failure with a negative result and
    /// copies the error on this thread if it fails.
    @discardableResult
    static func check(_ operation: @autoclosure () -> String, _ body: () -> Int32) throws(LibvirtError) -> Int32 {
        _ = initialized
        virResetLastError()
        let result = body()
        if result < 0 { throw LibvirtError.captureLast(operation: operation()) }
        return result
    }

    /// Runs one libvirt call that signals failure with NULL.
    static func check<T>(_ operation: @autoclosure () -> String, _ body: () -> T?) throws(LibvirtError) -> T {
        _ = initialized
        virResetLastError()
        guard let result = body() else { throw LibvirtError.captureLast(operation: operation()) }
        return result
    }
}
