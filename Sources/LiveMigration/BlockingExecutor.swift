import Foundation

/// Runs blocking libvirt calls on a dedicated thread, never on Swift's
/// cooperative pool, and bridges the result back with a checked continuation.
///
/// Every closure runs start to finish on one thread, so an error that libvirt
/// records thread-locally (`virGetLastError`) is copied on the thread where the
/// failing call was made, whatever thread the awaiting task resumes on.
enum BlockingExecutor {
    static func run<T: Sendable>(
        _ name: String = "livcloud.libvirt",
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.start()
        }
    }

    /// Starts a long-lived blocking loop (the job monitor) on its own thread.
    static func detach(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }
}
