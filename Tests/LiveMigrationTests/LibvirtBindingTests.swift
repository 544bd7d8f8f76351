import Foundation
import Logging
import Testing

@testable import LiveMigration

/// Bindings against libvirt's `test:///default` driver (in-process, no daemon;
/// it has one running domain called "test").
@Suite struct LibvirtBindingTests {
    let logger = Logger(label: "test")

    @Test func lookupFailureIsTypedWithCodeDomainMessageAndOperation() async throws {
        let conn = try await Connection.open("test:///default", logger: logger)
        let error = await #expect(throws: LibvirtError.self) {
            _ = try await conn.domain(named: "no-such-vm")
        }
        #expect(error?.code == .noDomain)
        #expect(error?.code.name == "VIR_ERR_NO_DOMAIN")
        #expect(error?.domain == .test)
        #expect(error?.message.isEmpty == false)
        #expect(error?.operation == "virDomainLookupByName(no-such-vm)")
        #expect(try await conn.domainIfPresent(named: "no-such-vm") == nil)
    }

    /// Each failing call carries its own message even when many fail at once
    /// on different threads (the test driver names the missing file of that call).
    @Test func errorsBelongToTheirOwnCallUnderConcurrency() async throws {
        let logger = self.logger
        try await withThrowingTaskGroup(of: (String, LibvirtError?).self) { group in
            for i in 0..<24 {
                group.addTask {
                    let uri = "test:///tmp/livcloud-no-such-file-\(i).xml"
                    do {
                        _ = try await Connection.open(uri, logger: logger)
                        return (uri, nil)
                    } catch let error as LibvirtError {
                        return (uri, error)
                    }
                }
            }
            for try await (uri, error) in group {
                let error = try #require(error)
                #expect(error.message.contains(String(uri.dropFirst("test://".count))), "error for \(uri) was \(error.message)")
                #expect(error.operation == "virConnectOpen(\(uri))")
            }
        }
    }

    @Test func openingAnUnknownDriverFailsTyped() async throws {
        let error = await #expect(throws: LibvirtError.self) {
            _ = try await Connection.open("nosuchdriver:///nothing", logger: logger)
        }
        #expect(error != nil)
        #expect(error?.operation == "virConnectOpen(nosuchdriver:///nothing)")
        #expect(error?.message.isEmpty == false)
    }

    @Test func domainStateVersionsAndIdleJob() async throws {
        let conn = try await Connection.open("test:///default", logger: logger)
        let dom = try await conn.domain(named: "test")
        #expect(try await dom.state().isRunning)
        let version = try await conn.libVersion()
        #expect(version >= LibvirtVersion(major: 9, minor: 0))
        #expect(try await conn.hostname().isEmpty == false)
        // The test driver has no job statistics: a typed "not supported".
        let error = await #expect(throws: LibvirtError.self) { _ = try await dom.jobStats() }
        #expect(error?.code == .noSupport)
        #expect(error?.operation == "virDomainGetJobStats(test)")
    }

    @Test func unknownCodesKeepTheirNumber() {
        let code = LibvirtError.Code(rawValue: 4242)
        #expect(code.name == "VIR_ERR_4242")
        #expect(LibvirtError.Code.operationAborted.name == "VIR_ERR_OPERATION_ABORTED")
        #expect(LibvirtError.Code.operationAborted.rawValue == 78)
        #expect(LibvirtError.Code.operationInvalid.rawValue == 55)
        #expect(LibvirtError.Code.systemError.rawValue == 38)
    }
}
