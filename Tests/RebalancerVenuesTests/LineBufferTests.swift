import Foundation
import Testing
@testable import RebalancerVenues

@Suite struct LineBufferTests {
    @Test func splitsAcrossChunksAndTrimsCR() {
        var buffer = LineBuffer()
        let first = buffer.append(Data("{\"id\":1}\r\n{\"id\"".utf8))
        #expect(first.lines == [Data("{\"id\":1}".utf8)])
        let second = buffer.append(Data(":2}\n\n".utf8))
        #expect(second.lines == [Data("{\"id\":2}".utf8)])
    }

    @Test func dropsAnOverlongLineOnceAndRecovers() {
        var buffer = LineBuffer(limit: 8)
        let first = buffer.append(Data(String(repeating: "x", count: 20).utf8))
        #expect(first.lines.isEmpty && first.dropped == 1)
        let second = buffer.append(Data("yyy\nok\n".utf8))
        #expect(second.lines == [Data("ok".utf8)] && second.dropped == 0)
    }
}

@Suite struct AdapterReplyTests {
    @Test(arguments: [
        "{\"result\":1}", "{\"id\":1}", "{\"id\":\"1\",\"result\":1}", "{\"id\":1,\"result\":1,\"error\":{\"code\":\"timeout\",\"message\":\"x\"}}",
        "{\"id\":1,\"error\":{\"message\":\"no code\"}}", "[1]", "not json", "{\"id\":1.5,\"result\":1}", "{\"id\":true,\"result\":1}",
    ])
    func refusesLinesThatAreNotReplies(_ line: String) {
        #expect(AdapterReply(line: Data(line.utf8)) == nil)
    }

    @Test func typedErrorsComeBackAsVenueErrors() throws {
        let reply = try #require(AdapterReply(line: Data(#"{"id":3,"error":{"code":"rate_limited","message":"slow down","retry_after_ms":2000,"status":418}}"#.utf8)))
        #expect(reply.id == 3)
        #expect(throws: VenueError.rateLimited(retryAfterMs: 2000, status: 418)) { try reply.result(AdapterProtocol.Snapshot.self) }
    }

    @Test func aMissingSnapshotFieldIsNamed() throws {
        let reply = try #require(AdapterReply(line: Data(#"{"id":1,"result":{"asset":"USDC","equity_cents":1,"initial_margin_cents":0,"withdrawable_cents":0,"withdrawals_enabled":true,"positions":[],"venue_sequence":1,"margin_source":"reported"}}"#.utf8)))
        #expect(throws: VenueError.malformed(field: "result.maintenance_margin_cents", detail: "missing")) { try reply.result(AdapterProtocol.Snapshot.self) }
    }

    @Test func nullResultIsNil() throws {
        let reply = try #require(AdapterReply(line: Data(#"{"id":1,"result":null}"#.utf8)))
        #expect(try reply.result(AdapterProtocol.Transfer.self) == nil)
    }
}

@Suite struct ExternalAdapterParameterTests {
    @Test func buildsTheCommandWithQuotes() throws {
        let configuration = try ExternalAdapter.configuration(parameters: ["command": "python3 -m rebalancer_ccxt_adapter --exchange binanceusdm --state-file '/var/lib/rb state.json'", "timeout_ms": "5000"])
        #expect(configuration.command == ["python3", "-m", "rebalancer_ccxt_adapter", "--exchange", "binanceusdm", "--state-file", "/var/lib/rb state.json"])
        #expect(configuration.timeoutMs == 5000)
    }

    @Test(arguments: [
        ([String: String](), "adapter.command"),
        (["command": "x 'open"], "adapter.command"),
        (["command": "x", "timeout_ms": "fast"], "adapter.timeout_ms"),
        (["command": "x", "timeout_ms": "5"], "adapter.timeout_ms"),
        (["command": "x", "api_secret": "hunter2"], "adapter.api_secret"),
    ])
    func namesTheBadField(_ parameters: [String: String], _ field: String) {
        #expect(throws: ExternalAdapter.ParameterError.self) { try ExternalAdapter.configuration(parameters: parameters) }
        do { _ = try ExternalAdapter.configuration(parameters: parameters) } catch { #expect(error.field == field) }
    }
}
