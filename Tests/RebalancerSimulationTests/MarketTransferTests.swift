import Testing
import RebalancerCore
import RebalancerSimulation

@Suite("Market transfers")
struct MarketTransferTests {
    /// A, B, C with 1 000 000 cents each at a constant price; routes A→B (250 ms), B→A (1 s), none to C.
    static func market(routes: [Topology.Route]? = nil) -> Market {
        Market(
            spec: MarketFixtures.spec(MarketFixtures.pairAndSpare()),
            routes: routes ?? [MarketFixtures.route("A", "B"), MarketFixtures.route("B", "A", latencyMs: 1_000)],
            prices: .replay([100])
        )
    }

    @Test func debitsAtOnceAndCreditsAfterExactlyTheLatencyMinusTheFee() {
        var market = Self.market()
        let now: Nanos = 5_000
        let due = now + 250 * Nanos.perMillisecond
        #expect(market.submit(transferID: "t1", from: "A", to: "B", amount: 100_000, now: now) == .success(due))
        #expect(market.balance(of: "A") == 900_000)
        #expect(market.balance(of: "B") == 1_000_000)
        #expect(market.feesPaid == 150)  // 50 fixed + 10 bps of 100 000
        let source = market.state(of: "A", seq: 1, observedAt: now)!
        let destination = market.state(of: "B", seq: 1, observedAt: now)!
        #expect(source.pendingOut == 100_000)
        #expect(destination.pendingIn == 99_850)
        #expect(source.pendingTransfers == ["t1"])
        #expect(destination.pendingTransfers == ["t1"])
        #expect(market.capitalInSystem + market.feesPaid == market.initialCapital)

        #expect(market.settleDue(now: due - 1) == [])
        #expect(market.tick(now: due - 1) == [])
        #expect(market.balance(of: "B") == 1_000_000)

        #expect(market.tick(now: due) == [.settled(transferID: "t1", from: "A", to: "B", credited: 99_850)])
        #expect(market.balance(of: "B") == 1_099_850)
        #expect(market.transfersSettled == 1)
        for venue in ["A", "B"] {
            let state = market.state(of: venue, seq: 2, observedAt: due)!
            #expect(state.pendingIn == 0)
            #expect(state.pendingOut == 0)
            #expect(state.pendingTransfers == [])
            #expect(state.settledTransfers == ["t1"])
        }
        #expect(market.state(of: "C", seq: 2, observedAt: due)!.settledTransfers == [])
        #expect(market.settleDue(now: due + 1_000_000_000) == [])
        #expect(MarketFixtures.conserves(market))
    }

    @Test func duplicateTransferIDIsRejectedAndNeverAppliedTwice() {
        var market = Self.market()
        #expect(market.submit(transferID: "t1", from: "A", to: "B", amount: 10_000, now: 0) == .success(250_000_000))
        let before = MarketFixtures.snapshot(market)
        #expect(market.submit(transferID: "t1", from: "A", to: "B", amount: 10_000, now: 1) == .failure(.duplicateTransferID("t1")))
        #expect(market.submit(transferID: "t1", from: "B", to: "A", amount: 7, now: 1) == .failure(.duplicateTransferID("t1")))
        #expect(MarketFixtures.snapshot(market) == before)
        let settled = market.settleDue(now: 1_000_000_000)
        #expect(settled.count == 1)
        #expect(market.submit(transferID: "t1", from: "A", to: "B", amount: 10_000, now: 2_000_000_000) == .failure(.duplicateTransferID("t1")))
        #expect(market.settleDue(now: 5_000_000_000) == [])
        #expect(market.balance(of: "A") == 990_000)
        #expect(market.balance(of: "B") == Amount(1_000_000 + 10_000 - 60))
        #expect(market.transfersSettled == 1)
    }

    @Test(arguments: [
        ("Z", "B", Amount(10), Market.TransferRejection.unknownVenue("Z")),
        ("A", "Z", 10, .unknownVenue("Z")),
        ("A", "C", 10, .noRoute(from: "A", to: "C")),
        ("A", "A", 10, .noRoute(from: "A", to: "A")),
        ("A", "B", 0, .nonPositiveAmount(0)),
        ("A", "B", -5, .nonPositiveAmount(-5)),
        ("A", "B", 1_000_001, .insufficientBalance(venue: "A", available: 1_000_000, requested: 1_000_001)),
    ])
    func rejectsWithAReasonAndLeavesStateUnchanged(from: VenueID, to: VenueID, amount: Amount, reason: Market.TransferRejection) {
        var market = Self.market()
        let before = MarketFixtures.snapshot(market)
        #expect(market.submit(transferID: "r1", from: from, to: to, amount: amount, now: 0) == .failure(reason))
        #expect(MarketFixtures.snapshot(market) == before)
        #expect(market.settleDue(now: .max) == [])
        // A refused id stays free.
        #expect(market.submit(transferID: "r1", from: "A", to: "B", amount: 1_000, now: 0) == .success(250_000_000))
    }

    @Test func withdrawalsDisabledAtTheSourceAreRefusedUntilEnabled() {
        var market = Self.market()
        market.setWithdrawals(venue: "A", enabled: false)
        let before = MarketFixtures.snapshot(market)
        #expect(market.submit(transferID: "w", from: "A", to: "B", amount: 1_000, now: 0) == .failure(.withdrawalsDisabled("A")))
        #expect(MarketFixtures.snapshot(market) == before)
        #expect(market.submit(transferID: "in", from: "B", to: "A", amount: 1_000, now: 0) == .success(1_000_000_000))
        market.setWithdrawals(venue: "A", enabled: true)
        #expect(market.submit(transferID: "w", from: "A", to: "B", amount: 1_000, now: 0) == .success(250_000_000))
    }

    @Test func settlesInDueOrderThenSubmissionOrder() {
        var market = Self.market()
        _ = market.submit(transferID: "slow", from: "B", to: "A", amount: 1_000, now: 0)
        _ = market.submit(transferID: "fast1", from: "A", to: "B", amount: 1_000, now: 0)
        _ = market.submit(transferID: "fast2", from: "A", to: "B", amount: 1_000, now: 0)
        _ = market.submit(transferID: "late", from: "A", to: "B", amount: 1_000, now: 750_000_000)
        #expect(market.transfersInFlight == 4)
        let ids = market.settleDue(now: 1_000_000_000).map { event -> String in
            if case .settled(let id, _, _, _) = event { id } else { "?" }
        }
        #expect(ids == ["fast1", "fast2", "slow", "late"])
    }

    @Test func feeLargerThanTheAmountIsClampedSoNothingIsCreated() {
        var market = Self.market(routes: [MarketFixtures.route("A", "B", feeBps: 0, fixedFee: 500, latencyMs: 0)])
        #expect(market.submit(transferID: "tiny", from: "A", to: "B", amount: 200, now: 10) == .success(10))
        #expect(market.feesPaid == 200)
        #expect(market.settleDue(now: 10) == [.settled(transferID: "tiny", from: "A", to: "B", credited: 0)])
        #expect(market.balance(of: "B") == 1_000_000)
        #expect(MarketFixtures.conserves(market))
    }

    @Test func keepsTheLast64SettledIDsPerVenue() {
        var market = Self.market(routes: [MarketFixtures.route("A", "B", feeBps: 0, fixedFee: 0, latencyMs: 0)])
        for i in 0..<70 {
            _ = market.submit(transferID: "t\(i)", from: "A", to: "B", amount: 1, now: 0)
        }
        #expect(market.settleDue(now: 0).count == 70)
        let settled = market.state(of: "B", seq: 0, observedAt: 0)!.settledTransfers
        #expect(settled.count == Market.recentSettledLimit)
        #expect(settled.first == "t6")
        #expect(settled.last == "t69")
        #expect(market.balance(of: "B") == 1_000_070)
    }
}
