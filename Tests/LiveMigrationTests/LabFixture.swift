import Foundation
import Logging
import Testing

@testable import LiveMigration

/// Lab tests run only with `LIVCLOUD_LAB=1` (CI and the README's test command set it).
let labEnabled = ProcessInfo.processInfo.environment["LIVCLOUD_LAB"] == "1"

struct LabCommandError: Error, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stderr: String
    var description: String { "\(arguments.joined(separator: " ")) exited \(status): \(stderr.suffix(1500))" }
}

struct LabHost: Decodable, Sendable {
    var uri: String
    var tls_uri: String
    var migrate_port: Int
    var hostname: String
    var migrateURI: String { "tcp://127.0.0.1:\(migrate_port)" }
}

struct LabStatus: Decodable, Sendable {
    var state_dir: String
    var accel: String
    var hosts: [String: LabHost]
    var a: LabHost { hosts["a"]! }
    var b: LabHost { hosts["b"]! }
}

/// One lab guest at a time across every lab suite of this test process:
/// suites run in parallel with each other, but two suites migrating to the
/// same destination port, or one killing a daemon or blocking a port while
/// another migrates, would break each other. `startGuest` takes the lease,
/// `destroyGuestNow` (the tests' `defer`) gives it back.
final class LabLease: @unchecked Sendable {
    private let lock = NSLock()
    private var holder: String?
    private var waiters: [(String, CheckedContinuation<Void, Never>)] = []

    func acquire(for name: String) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if holder == nil {
                holder = name
                lock.unlock()
                c.resume()
            } else {
                waiters.append((name, c))
                lock.unlock()
            }
        }
    }

    func release(from name: String) {
        lock.lock()
        guard holder == name else {
            lock.unlock()
            return
        }
        if waiters.isEmpty {
            holder = nil
            lock.unlock()
        } else {
            let (next, c) = waiters.removeFirst()
            holder = next
            lock.unlock()
            c.resume()
        }
    }
}

/// The two-host lab (`Lab/lab`), brought up once per test process. `up` is
/// idempotent, so a lab left over from a crashed run is reused; `down` is the
/// test runner script's job.
final class Lab: Sendable {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The directory of the running test bundle: `<scratch>/debug`, where the
    /// package's executables (`host-audit`, `livcloud`) are built too.
    static let productsDirectory: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") {
            url = url.deletingLastPathComponent()
        }
        return url.path == "/" ? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            : url.deletingLastPathComponent()
    }()

    private static let setup = Task { try await Lab.bringUp() }
    static let lease = LabLease()
    static func shared() async throws -> Lab { try await setup.value }

    let status: LabStatus
    let logger: Logger
    /// The `up` command line used (with the audit file), to restore a host after fault tests.
    let upArguments: [String]

    private init(status: LabStatus, upArguments: [String]) {
        self.status = status
        self.upArguments = upArguments
        var logger = Logger(label: "livcloud.labtest") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["LIVCLOUD_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        self.logger = logger
    }

    private static func bringUp() async throws -> Lab {
        var arguments = ["up"]
        let audit = productsDirectory.appendingPathComponent("host-audit")
        if FileManager.default.isExecutableFile(atPath: audit.path) {
            // Exit 2 means "emulation only" and still prints the JSON.
            let json = try await run(audit.path, ["--json"], allowFailure: true)
            guard (try? JSONSerialization.jsonObject(with: json) as? [String: Any])?["guests"] != nil else {
                throw LabCommandError(arguments: [audit.path, "--json"], status: -1, stderr: "no guests in the audit JSON")
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("livcloud-mig-audit-\(getpid()).json")
            try json.write(to: file)
            arguments += ["--audit", file.path]
        }
        let out = try await runLab(arguments)
        return Lab(status: try JSONDecoder().decode(LabStatus.self, from: out), upArguments: arguments)
    }

    /// Runs a process on its own thread (never blocking the cooperative pool); stdout on success.
    static func run(_ executable: String, _ arguments: [String], allowFailure: Bool = false) async throws -> Data {
        try await BlockingExecutor.run("lab-process") {
            let (status, data, stderr) = try spawnAndWait(executable, arguments)
            if status != 0 && !allowFailure {
                throw LabCommandError(arguments: [executable] + arguments, status: status, stderr: stderr)
            }
            return data
        }
    }

    /// posix_spawn + waitpid: reaps its own child directly. (Foundation's
    /// `Process.waitUntilExit` was seen to miss a child's exit in this test
    /// process, leaving a zombie and a hung test.)
    static func spawnAndWait(_ executable: String, _ arguments: [String], captureStdout: Bool = true) throws -> (Int32, Data, String) {
        let errPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("livcloud-labtest-\(UUID().uuidString).err").path
        defer { unlink(errPath) }
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw LabCommandError(arguments: [executable], status: -1, stderr: "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if captureStdout {
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(pipeFDs[1])
        guard rc == 0 else {
            close(pipeFDs[0])
            throw LabCommandError(arguments: [executable] + arguments, status: -1, stderr: "posix_spawn: \(rc)")
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(pipeFDs[0], &buffer, buffer.count)
            if n > 0 { data.append(contentsOf: buffer[0..<n]) } else if n == 0 || errno != EINTR { break }
        }
        close(pipeFDs[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (code, data, stderr)
    }

    static func runLab(_ arguments: [String]) async throws -> Data {
        try await run("/bin/bash", [packageRoot.appendingPathComponent("Lab/lab").path] + arguments)
    }

    /// Re-runs the idempotent `up` (restarts a killed daemon).
    func up() async throws {
        _ = try await Lab.runLab(upArguments)
    }

    func lab(_ arguments: String...) async throws -> [String: Any] {
        let data = try await Lab.runLab(arguments)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    @discardableResult
    func startGuest(
        _ name: String, on host: String = "a", dirtyMiBPerSecond: Int = 0, wssMiB: Int? = nil,
        diskMiB: Int = 0, persistent: Bool = false, memMiB: Int = 128
    ) async throws -> [String: Any] {
        await Lab.lease.acquire(for: name)
        _ = try? await lab("guest", "destroy", name)  // leftover of a crashed run
        var args = ["guest", "start", name, "--host", host, "--mem-mib", "\(memMiB)", "--dirty-mib-per-s", "\(dirtyMiBPerSecond)"]
        if let wssMiB { args += ["--wss-mib", "\(wssMiB)"] }
        if diskMiB > 0 { args += ["--disk-mib", "\(diskMiB)"] }
        args.append(persistent ? "--persistent" : "--transient")
        do {
            let data = try await Lab.runLab(args)
            return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        } catch {
            destroyGuestNow(name)  // gives the lease back
            throw error
        }
    }

    func destroyGuest(_ name: String) async {
        _ = try? await lab("guest", "destroy", name)
    }

    /// Synchronous cleanup for `defer` (which cannot await): the guest is gone
    /// on both hosts before the test returns, even when it failed.
    func destroyGuestNow(_ name: String) {
        _ = try? Lab.spawnAndWait(
            "/bin/bash", [Lab.packageRoot.appendingPathComponent("Lab/lab").path, "guest", "destroy", name],
            captureStdout: false)
        Lab.lease.release(from: name)
    }

    func heartbeats(_ name: String) async throws -> Int {
        try await lab("guest", "heartbeat", name)["count"] as? Int ?? 0
    }

    func whereIs(_ name: String) async throws -> (a: String, b: String) {
        let w = try await lab("guest", "where", name)
        return (w["a"] as? String ?? "?", w["b"] as? String ?? "?")
    }

    func connection(_ host: String) async throws -> Connection {
        try await Connection.open(host == "a" ? status.a.uri : status.b.uri, logger: logger)
    }

    /// Polls `condition` until it holds or `timeout` passes; returns whether it held.
    func waitUntil(timeout: Duration, every interval: Duration = .milliseconds(250), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: interval)
        }
        return try await condition()
    }

    /// Waits until the guest's heartbeat count exceeds `count` (it keeps running).
    func heartbeatAdvances(_ name: String, beyond count: Int, timeout: Duration = .seconds(30)) async throws -> Bool {
        try await waitUntil(timeout: timeout) { try await heartbeats(name) > count }
    }
}

/// Collects a migration's events while it runs.
final class EventLog: Sendable {
    private let events = Locked<[MigrationEvent]>([])
    var all: [MigrationEvent] { events.withLock { $0 } }
    var progress: [MigrationProgress] {
        all.compactMap { if case .progress(let p) = $0 { p } else { nil } }
    }
    var decisions: [AppliedDecision] {
        all.compactMap { if case .decision(let d) = $0 { d } else { nil } }
    }
    func append(_ event: MigrationEvent) { events.withLock { $0.append(event) } }

    /// Drains `migration.events` in a task; await the task after `run()` returns.
    func collect(_ migration: Migration, onEvent: @escaping @Sendable (MigrationEvent) async -> Void = { _ in }) -> Task<Void, Never> {
        Task {
            for await event in migration.events {
                append(event)
                await onEvent(event)
            }
        }
    }
}
