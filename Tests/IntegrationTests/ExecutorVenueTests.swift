import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import Testing

/// The executor moving capital through a real venue's API (the Binance fixture on loopback), in
/// monitor-only mode, live, and killed between submitting a withdrawal and recording it.
@Suite(.serialized)
struct ExecutorVenueTests {
    /// Monitor-only: the approved plan is verified and recorded, the would-transfer status is
    /// published with amount, route, fee and key, and nothing reaches the venue.
    @Test func monitorOnlyRecordsAndSubmitsNothing() async throws {
        let h = try ExecutorVenueHarness()
        try h.startExecutor(["--monitor-only"])
        #expect(try await h.deliverPlan(seq: 1, amount: 250_00), "log: \(h.log)")
        let reported = await h.awaitState(.received, of: "1/0", within: 10)
        #expect(reported, "statuses: \(h.statuses.map { "\($0.transferID) \($0.state) \($0.detail)" })")
        let route = try #require(h.topology.route(from: "v1", to: "v2"))
        let asset = try #require(h.topology.venue("v1")).asset
        let fee = route.fee(for: 250_00)
        let feeText = "\(fee / 100).\(String(format: "%02d", fee % 100))"
        let detail = h.statuses.first { $0.transferID == "1/0" && $0.state == .received }?.detail ?? ""
        #expect(detail.hasPrefix("monitor-only: would transfer 250.00 \(asset) v1 -> v2, fee \(feeText) (key rb-"), "\(detail)")
        #expect(detail.hasSuffix("-1-0)"), "\(detail)")
        // Give a live executor ample time to have submitted; nothing was.
        h.collect(for: 2)
        #expect(try await h.fixture.withdrawals().isEmpty)
        #expect(try await h.fixture.requests().isEmpty)
        #expect(!h.states(of: "1/0").contains(.submitted))
        h.stopExecutor()
        let row = try #require(try h.record().transfer("1/0"))
        #expect(row.state == .wouldTransfer)
        #expect(row.detail == detail)
        #expect(try h.record().executed() == [1])
        #expect(h.log.contains("monitor-only: would transfer 250.00"))
    }

    /// Live: exactly one withdrawal at the venue under the transfer's key, followed until it
    /// settles; submitted and settled are published.
    @Test func liveWithdrawalSettlesOnce() async throws {
        let h = try ExecutorVenueHarness()
        try h.startExecutor()
        #expect(try await h.deliverPlan(seq: 1, amount: 250_00), "log: \(h.log)")
        let settled = await h.awaitState(.settled, of: "1/0", within: 20)
        #expect(settled, "statuses: \(h.states(of: "1/0")) log: \(h.log)")
        #expect(h.states(of: "1/0") == [.submitted, .settled])
        let (withdrawal, row) = try await h.stopAndReadTheOneWithdrawal(of: "1/0")
        #expect(withdrawal?.amount == "250.00")
        #expect(withdrawal?.address == ExecutorVenueHarness.depositAddress)
        #expect(row.key.hasSuffix("-1-0"))
    }

    /// Killed (SIGKILL) while the withdraw apply is in flight, after the venue recorded it: the
    /// restarted executor looks the key up, finds it, and never applies again; the transfer settles.
    @Test func killedBetweenSubmitAndRecordNeverWithdrawsTwice() async throws {
        let h = try ExecutorVenueHarness(withdrawTimeoutMs: 30_000)
        try await h.fixture.inject(["fault": "slow", "path": "/sapi/v1/capital/withdraw/apply", "delay_ms": 20_000])
        try h.startExecutor()
        #expect(try await h.deliverPlan(seq: 1, amount: 300_00), "log: \(h.log)")
        let applied = try await eventually(15) { try await h.fixture.withdrawals().count == 1 }
        #expect(applied)
        h.stopExecutor(SIGKILL)
        #expect(try h.record().transfer("1/0")?.state == .submitting)

        try h.startExecutor()
        let settled = await h.awaitState(.settled, of: "1/0", within: 25)
        #expect(settled, "statuses: \(h.states(of: "1/0")) log: \(h.log)")
        let applies = try await h.fixture.requests().filter { $0.method == "POST" && $0.path == "/sapi/v1/capital/withdraw/apply" }
        #expect(applies.count == 1)
        _ = try await h.stopAndReadTheOneWithdrawal(of: "1/0")
        #expect(h.log.contains("resuming transfer recorded before restart"))
    }
}
