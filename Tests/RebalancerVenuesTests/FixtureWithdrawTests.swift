import Foundation
import RebalancerVenues
import Testing
import VenueFixtures

/// Binance withdrawals against the fixture: submit under the key, find by key, statuses, no duplicates.
@Suite("Binance withdrawals")
struct FixtureWithdrawTests {
    static let destination = "0x94df8b352de7f46f64b01d3666bf6e936e44ce60"

    static func request(_ key: IdempotencyKey, cents: Int64 = 150_000) -> TransferRequest {
        TransferRequest(key: key, from: "binance", to: "hyperliquid", amount: cents, asset: "USDT", destination: destination, network: "ARBITRUM")
    }

    @Test func pendingThenFailedWithTheReason() async throws {
        let fixture = try FixtureVenue("binance")
        let gateway = try BinanceWithdrawGateway(parameters: FixtureReadTests.binanceParameters(fixture), environment: FixtureReadTests.environment())
        try await fixture.withdrawScript([4, 4, 5], info: "The address is not valid. Please confirm with the recipient")
        let key = IdempotencyKey(topologyID: "desk", planSeq: 7, index: 0)
        #expect(try await gateway.find(key) == nil)
        await #expect(throws: VenueError.notFound) { try await gateway.status(of: key) }
        let submitted = try await gateway.submit(Self.request(key))
        #expect(submitted.state == .submitted && submitted.venueID != nil)
        #expect(try await gateway.status(of: key).state == .pending)
        #expect(try await gateway.status(of: key).state == .pending)
        let failed = try await gateway.status(of: key)
        #expect(failed.state == .failed)
        #expect(failed.reason == "failure: The address is not valid. Please confirm with the recipient")
        let applied = try await fixture.withdrawals()
        #expect(applied.count == 1)
        #expect(applied[0].amount == "1500.00" && applied[0].withdrawOrderId == key.rawValue && applied[0].address == Self.destination)
    }

    @Test func completedIsSettled() async throws {
        let fixture = try FixtureVenue("binance")
        let gateway = try BinanceWithdrawGateway(parameters: FixtureReadTests.binanceParameters(fixture), environment: FixtureReadTests.environment())
        try await fixture.withdrawScript([4, 6])
        let key = IdempotencyKey(topologyID: "desk", planSeq: 8, index: 1)
        _ = try await gateway.submit(Self.request(key))
        #expect(try await gateway.status(of: key).state == .pending)
        #expect(try await gateway.status(of: key).state == .settled)
    }

    @Test func resubmittingTheSameKeyAppliesNothingAgain() async throws {
        let fixture = try FixtureVenue("binance")
        let gateway = try BinanceWithdrawGateway(parameters: FixtureReadTests.binanceParameters(fixture), environment: FixtureReadTests.environment())
        let key = IdempotencyKey(topologyID: "desk", planSeq: 9, index: 0)
        let first = try await gateway.submit(Self.request(key))
        let again = try await gateway.submit(Self.request(key))
        #expect(again.venueID == first.venueID)
        #expect(try await fixture.withdrawals().count == 1)
        _ = try await gateway.submit(Self.request(IdempotencyKey(topologyID: "desk", planSeq: 9, index: 1)))
        #expect(try await fixture.withdrawals().count == 2, "a different key is a different withdrawal")
    }

    @Test func anApplyWhoseAnswerIsLostIsLookedUpNotRepeated() async throws {
        let fixture = try FixtureVenue("binance")
        let gateway = try BinanceWithdrawGateway(parameters: FixtureReadTests.binanceParameters(fixture, ["timeout_ms": "1000"]), environment: FixtureReadTests.environment())
        let key = IdempotencyKey(topologyID: "desk", planSeq: 10, index: 0)
        // Binance applies the withdrawal but its answer arrives after our timeout.
        try await fixture.inject(["fault": "slow", "delay_ms": 4_000, "path": "/sapi/v1/capital/withdraw/apply"])
        let status = try await gateway.submit(Self.request(key))
        #expect(status.key == key)
        #expect(try await fixture.withdrawals().count == 1)
        // A restarted executor submits the same transfer again: found, not applied.
        let restarted = try BinanceWithdrawGateway(parameters: FixtureReadTests.binanceParameters(fixture), environment: FixtureReadTests.environment())
        _ = try await restarted.submit(Self.request(key))
        #expect(try await fixture.withdrawals().count == 1)
        #expect(try await fixture.requests().filter { $0.path == "/sapi/v1/capital/withdraw/apply" }.count == 1)
    }

    @Test func insufficientBalanceIsRejectedAndMovesNothing() async throws {
        let fixture = try FixtureVenue("binance")
        let gateway = try BinanceWithdrawGateway(parameters: FixtureReadTests.binanceParameters(fixture), environment: FixtureReadTests.environment())
        await #expect(throws: VenueError.rejected(code: -4026, message: "User has insufficient balance")) {
            try await gateway.submit(Self.request(IdempotencyKey(topologyID: "desk", planSeq: 11, index: 0), cents: 999_999_999))
        }
        #expect(try await fixture.withdrawals().isEmpty)
    }
}
