import Testing
@testable import RebalancerCore

/// `balanced` (`BalancedStrategy`, `BookBands`): every leg kept near the book's ratio, refilled
/// over fast routes when the market runs on the clock, its plans resting on the whole book.
@Suite struct BalancedStrategyTests {
    let now: Nanos = 2_000_000_000

    /// Views of `a`, `b`, `c` at these multiples of a 100,000-cent maintenance margin.
    func views(_ ratios: [VenueID: Double]) -> [VenueID: VenueView] {
        ratios.mapValues { ratio in VenueView(state: Fixture.state("x", balance: Amount(ratio * 100_000_00), at: now)) }
            .reduce(into: [:]) { out, entry in
                var view = entry.value
                view.state.venue = entry.key
                out[entry.key] = view
            }
    }

    /// Each venue's ratio after `transfers` are credited (fees deducted).
    func after(_ transfers: [Transfer], _ views: [VenueID: VenueView], _ topology: Topology) -> [VenueID: Double] {
        var balance = views.mapValues { Double($0.effectiveBalance) }
        for t in transfers {
            balance[t.from, default: 0] -= Double(t.amount)
            balance[t.to, default: 0] += Double(t.amount - (topology.route(from: t.from, to: t.to)?.fee(for: t.amount) ?? 0))
        }
        return balance.mapValues { $0 / 100_000_00 }
    }

    @Test("the book's ratio counts every venue's capital in flight over every position's margin")
    func bookRatio() throws {
        var v = views(["a": 2.5, "b": 4.0, "c": 3.5])
        v["a"]!.virtualIn = 30_000_00
        v["b"]!.virtualOut = 30_000_00
        let ratio = try #require(BookBands.standard.bookRatio(v))
        #expect(abs(ratio - 10.0 / 3) < 1e-9)
        let banded = BookBands.standard.apply(views: v, topology: Fixture.topology())
        for venue in banded.venues {
            #expect(abs(venue.targetRatio - 10.0 / 3) < 1e-9)
            #expect(abs(venue.lowerBand - (10.0 / 3 - BookBands.standard.triggerGap)) < 1e-9)
        }
    }

    @Test("a leg inside the fixed bands but below the book's ratio is refilled; optimal leaves it")
    func refillsInsideFixedBands() {
        let topology = Fixture.topology()
        let v = views(["a": 2.5, "b": 4.0, "c": 3.5])
        #expect(OptimalStrategy().plan(views: v, topology: topology).isEmpty)
        let transfers = BalancedStrategy().plan(views: v, topology: topology)
        #expect(!transfers.isEmpty && transfers.allSatisfy { $0.to == "a" })
        let ratios = after(transfers, v, topology)
        #expect(ratios["a"]! > 3.2, "\(ratios)")
        #expect(ratios.values.allSatisfy { $0 > 3.2 && $0 < 3.45 }, "\(ratios)")
    }

    @Test("when the book holds less than the fixed lower band, the others give down to the book's ratio; optimal stops at the band")
    func sharesAThinBook() {
        let topology = Fixture.topology()
        let v = views(["a": 1.1, "b": 2.3, "c": 2.0])
        let optimal = after(OptimalStrategy().plan(views: v, topology: topology), v, topology)
        #expect(optimal["a"]! < 1.5, "optimal lends only down to the 2x band: \(optimal)")
        let balanced = after(BalancedStrategy().plan(views: v, topology: topology), v, topology)
        #expect(balanced["a"]! > 1.7, "\(balanced)")
        #expect(balanced["b"]! > 1.7 && balanced["c"]! > 1.7, "\(balanced)")
    }

    /// `a` needs capital; `b` can send it fast and dear, `c` slow and cheap.
    func raceTopology(marketSecondsPerSecond: Double) -> Topology {
        var topology = Fixture.topology()
        topology.routes = topology.routes.map { route in
            var r = route
            if route.to == "a" {
                (r.latencyMs, r.feeBps, r.fixedFee) = route.from == "b" ? (300, 10, 500) : (1_500, 2, 100)
            }
            return r
        }
        topology.marketSecondsPerSecond = marketSecondsPerSecond
        return topology
    }

    @Test("on a market that plays an hour every 100 ms the fast route is cheaper by balanced's objective, at market time 1 the cheap one; optimal's too (it weighs latency in market time)")
    func fastRouteInMarketTime() {
        let v = views(["a": 1.5, "b": 4.5, "c": 4.5])
        let viaB = [Transfer(from: "b", to: "a", amount: 50_000_00)]
        let viaC = [Transfer(from: "c", to: "a", amount: 50_000_00)]
        for (scale, fast) in [(36_000.0, true), (1.0, false)] {
            let topology = raceTopology(marketSecondsPerSecond: scale)
            let strategy = BalancedStrategy()
            #expect(strategy.optimizer(for: topology).model.latencyWeight == BalancedStrategy.latencyWeightPerMarketSecond * scale)
            let bands = strategy.policyTopology(views: v, topology: topology)
            let model = PolicyCheck.costModel(of: strategy, topology: topology)
            let b = planCost(viaB, views: v, topology: bands, model: model)
            let c = planCost(viaC, views: v, topology: bands, model: model)
            #expect(fast ? b < c : c < b, "scale \(scale): via b \(b), via c \(c)")
        }
        let live = raceTopology(marketSecondsPerSecond: 36_000)
        let model = PolicyCheck.costModel(of: OptimalStrategy(), topology: live)
        #expect(planCost(viaB, views: v, topology: live, model: model) < planCost(viaC, views: v, topology: live, model: model))
    }

    @Test("the coordinator rests a balanced plan on every venue, and a verifier recomputes and signs it")
    func wholeBookBasis() throws {
        let topology = Fixture.topology()
        // c sits at the book's ratio: it neither asks nor gives.
        let v = views(["a": 2.5, "b": 4.0, "c": 3.25])
        var coordinator = Coordinator(topology: topology, strategy: BalancedStrategy(), lastPlanSeq: 0, digest: Fixture.digest)
        let arrived = v.values.map { Coordinator.ArrivedState(state: $0.state, digest: [UInt8($0.state.venue.utf8.first!)], arrival: now) }
        let directives = coordinator.on(.states(arrived), now: now)
        let plan = try #require(directives.compactMap { d -> Plan? in if case let .propose(p) = d { p } else { nil } }.first)
        #expect(Set(plan.transfers.flatMap { [$0.from, $0.to] }) == ["a", "b"], "\(plan.transfers)")
        #expect(plan.basis.map(\.venue) == ["a", "b", "c"])
        let states = v.mapValues(\.state)
        let basis = states.mapValues { Verifier.BasisState(state: $0, digest: [UInt8($0.venue.utf8.first!)], signedByWatcher: true) }
        let context = Verifier.Context(topology: topology, view: states, viewReceivedAt: states.mapValues { _ in now - 100 }, lastSignedSeq: 0, signedOutflows: [], now: now + 1_000)
        let verdict = Verifier.check(plan, basis: basis, context: context)
        #expect(verdict == .approve, "\(verdict.detail)")
    }
}
