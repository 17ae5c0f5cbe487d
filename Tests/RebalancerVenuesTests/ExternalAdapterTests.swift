import Foundation
import Testing
@testable import RebalancerVenues

/// ExternalAdapter against a real child process (Tests/Fixtures/adapters/fake_adapter.py) that
/// can die mid-request, hang, write garbage or announce another protocol version.
@Suite struct ExternalAdapterTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/adapters/fake_adapter.py").path

    let stateDir = NSTemporaryDirectory() + "fake-adapter-\(UUID().uuidString.prefix(8))"

    func adapter(_ flags: [String], timeoutMs: Int64 = 10_000) -> ExternalAdapter {
        ExternalAdapter(.init(command: ["python3", Self.script, "--state-dir", stateDir] + flags, timeoutMs: timeoutMs, restartBackoffMs: 20, random: { 0.5 }))
    }

    var venueTransfers: [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: stateDir + "/transfers.json") else { return [] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] ?? []
    }

    var starts: Int {
        ((try? String(contentsOfFile: stateDir + "/starts", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    let request = TransferRequest(key: IdempotencyKey(topologyID: "desk", planSeq: 12, index: 0), from: "hl", to: "bn", amount: 250_000, asset: "USDC", destination: "0x1111111111111111111111111111111111111111")

    @Test func snapshotMapsEveryFieldAndGarbageLinesAreCountedAndDropped() async throws {
        let adapter = adapter(["--garbage"])
        let snapshot = try await adapter.snapshot()
        #expect(snapshot == VenueSnapshot(equity: 1_000_000, maintenanceMargin: 20_000, initialMargin: 40_000, withdrawable: 500_000,
                                          positions: [.init(market: "BTC", size: -0.25, markPrice: 60000.5)], venueSequence: 7))
        _ = try await adapter.snapshot()
        #expect(await adapter.malformedLines >= 3)
        #expect(await adapter.restarts == 0)
        await adapter.shutdown()
    }

    @Test func childKilledMidReadIsRestartedAndTheReadAnswered() async throws {
        let adapter = adapter(["--die-on", "snapshot"])
        let snapshot = try await adapter.snapshot()
        #expect(snapshot.equity == 1_000_000)
        #expect(await adapter.restarts == 1)
        #expect(starts == 2)
        await adapter.shutdown()
    }

    @Test func childKilledBySignalIsRestartedOnTheNextCall() async throws {
        let adapter = adapter([])
        _ = try await adapter.snapshot()
        let pid = try #require(await adapter.childPID)
        kill(pid, SIGKILL)
        // Until the adapter has noticed the exit, with a deadline that fires even if it never does.
        let deadline = ContinuousClock.now + .seconds(10)
        while await adapter.childPID != nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        try #require(await adapter.childPID == nil, "the adapter noticed its child's exit")
        _ = try await adapter.snapshot()
        #expect(await adapter.childPID != pid)
        #expect(await adapter.restarts == 1)
        await adapter.shutdown()
    }

    @Test func unansweredSubmitIsResolvedByFindAndNeverSubmittedTwice() async throws {
        let adapter = adapter(["--die-after-submit"])
        let status = try await adapter.submit(request)
        #expect(status.key == request.key)
        #expect(status.venueID == "w1")
        #expect(venueTransfers.count == 1)
        #expect(await adapter.restarts == 1)
        // A later submit under the same key still moves nothing.
        _ = try await adapter.submit(request)
        #expect(venueTransfers.count == 1)
        await adapter.shutdown()
    }

    @Test func submitLostBeforeTheVenueSawItIsSubmittedOnceAfterFindSaysAbsent() async throws {
        let adapter = adapter(["--die-before-submit"])
        let status = try await adapter.submit(request)
        #expect(status.state == .submitted)
        #expect(venueTransfers.count == 1)
        #expect(await adapter.restarts == 1)
        await adapter.shutdown()
    }

    @Test func findAndStatusOfAnUnknownKey() async throws {
        let adapter = adapter([])
        let missing = IdempotencyKey(rawValue: "rb-nothing-1-0")
        #expect(try await adapter.find(missing) == nil)
        await #expect(throws: VenueError.notFound) { try await adapter.status(of: missing) }
        await adapter.shutdown()
    }

    @Test func protocolVersionMismatchIsAClearError() async throws {
        let adapter = adapter(["--version", "2"])
        do {
            _ = try await adapter.snapshot()
            Issue.record("a version 2 adapter was accepted")
        } catch {
            #expect("\(error)".contains("adapter speaks protocol version 2; this host speaks version 1"))
        }
    }

    @Test func aHungChildTimesOut() async throws {
        let adapter = adapter(["--hang", "snapshot"], timeoutMs: 300)
        await #expect(throws: VenueError.timeout(afterMs: 300)) { try await adapter.snapshot() }
        await adapter.shutdown()
    }

    @Test func aCommandThatDoesNotExistIsAnErrorNotACrash() async throws {
        let adapter = ExternalAdapter(.init(command: ["/nonexistent/adapter-binary"], timeoutMs: 2_000, restartBackoffMs: 10))
        await #expect(throws: VenueError.self) { try await adapter.snapshot() }
    }
}
