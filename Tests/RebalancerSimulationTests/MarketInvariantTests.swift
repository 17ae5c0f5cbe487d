import Testing
import RebalancerCore
import RebalancerSimulation

@Suite("Market conservation")
struct MarketInvariantTests {
    /// Random ticks, transfers (including duplicates, unknown venues, missing routes, bad amounts),
    /// early settlements and withdrawal toggles, checking conservation after every step.
    @Test(arguments: [UInt64(1), 2, 3])
    func capitalIsConservedOverRandomSequences(seed: UInt64) {
        let ids = (0..<8).map { "v\($0)" }
        let accounts = MarketScenario.deltaNeutral(venues: ids, balance: 150_000, quantity: 10)
        let spec = MarketFixtures.spec(accounts, seed: seed, volatility: 2, secondsPerTick: 60)
        var routes: [Topology.Route] = []
        for (i, from) in ids.enumerated() {
            for (j, to) in ids.enumerated() where i != j && (i + j) % 5 != 0 {
                routes.append(MarketFixtures.route(from, to, feeBps: Double(i + 1), fixedFee: Amount(j * 10), latencyMs: Int64((i + j) * 150)))
            }
        }
        var market = Market(spec: spec, routes: routes)
        var random = SeededRandom(seed: seed &+ 1_000)
        var now: Nanos = 0
        var accepted: [String] = []
        var settledCount: [String: Int] = [:]
        var rejections: Set<String> = []
        var nextID = 0

        for _ in 0..<4_000 {
            let action = random.nextUniform()
            if action < 0.5 {
                now += 100 * Nanos.perMillisecond
                for event in market.tick(now: now) {
                    if case .settled(let id, _, _, _) = event { settledCount[id, default: 0] += 1 }
                }
            } else if action < 0.85 {
                let reuse = !accepted.isEmpty && random.nextUniform() < 0.2
                let id: String
                if reuse {
                    id = accepted[Int.random(in: 0..<accepted.count, using: &random)]
                } else {
                    id = "t\(nextID)"
                    nextID += 1
                }
                let from = Int.random(in: 0..<9, using: &random) == 8 ? "ghost" : ids.randomElement(using: &random)!
                let to = ids.randomElement(using: &random)!
                let amount = random.nextUniform() < 0.05
                    ? Amount.random(in: -10...0, using: &random)
                    : Amount.random(in: 1...120_000, using: &random)
                let before = MarketFixtures.snapshot(market)
                switch market.submit(transferID: id, from: from, to: to, amount: amount, now: now) {
                case .success(let due):
                    #expect(!reuse)
                    #expect(due == now + market.route(from: from, to: to)!.latencyMs * Nanos.perMillisecond)
                    accepted.append(id)
                case .failure(let reason):
                    rejections.insert(reason.code)
                    #expect(MarketFixtures.snapshot(market) == before)
                }
            } else if action < 0.95 {
                now += Nanos.random(in: 0...500, using: &random) * Nanos.perMillisecond
                for event in market.settleDue(now: now) {
                    if case .settled(let id, _, _, _) = event { settledCount[id, default: 0] += 1 }
                }
            } else {
                market.setWithdrawals(venue: ids.randomElement(using: &random)!, enabled: random.nextUniform() < 0.7)
            }
            #expect(MarketFixtures.conserves(market))
            #expect(market.cumulativePnL == 0)  // every position stays paired, liquidations unwind both legs
            for i in stride(from: 0, to: ids.count, by: 2) {
                #expect(market.position(of: ids[i])! == -market.position(of: ids[i + 1])!)
            }
        }

        for event in market.settleDue(now: .max) {
            if case .settled(let id, _, _, _) = event { settledCount[id, default: 0] += 1 }
        }
        #expect(market.transfersInFlight == 0)
        #expect(market.transfersSettled == accepted.count)
        #expect(Set(settledCount.keys) == Set(accepted))
        #expect(settledCount.values.allSatisfy { $0 == 1 })
        for venue in ids {
            let state = market.state(of: venue, seq: 0, observedAt: now)!
            #expect(state.pendingIn == 0 && state.pendingOut == 0 && state.pendingTransfers.isEmpty)
        }
        #expect(MarketFixtures.conserves(market))
        // The sequence exercised what it claims to.
        #expect(market.liquidations > 0)
        #expect(market.penaltiesCharged > 0)
        #expect(market.feesPaid > 0)
        #expect(accepted.count > 100)
        #expect(rejections.isSuperset(of: ["duplicate-transfer-id", "unknown-venue", "no-route", "non-positive-amount", "insufficient-balance"]))
    }
}
