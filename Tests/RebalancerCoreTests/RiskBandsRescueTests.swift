import Testing
@testable import RebalancerCore

/// Rescue: the initial-margin cushion and the (s, S) hysteresis never keep capital from a venue
/// about to be liquidated (the `sim --trace` of seed 15: dex-sol sat at 1.15 × maintenance for
/// forty minutes while every other venue held a little more than its refill level).
struct RiskBandsRescueTests {
    /// Three venues, every route 10 minutes, $1.2M notional each, maintenance $60,000.
    static func topology() -> Topology {
        var topology = RiskTargetsTests.topology(latencyMs: 600_000)
        topology.venues.append(Topology.Venue(id: "c", asset: "USD", floorBuffer: 0, targetRatio: 2.5, lowerBand: 1.8, upperBand: 3.2, withdrawalLimit: 1_000_000_00))
        topology.routes += [("a", "c"), ("c", "a"), ("b", "c"), ("c", "b")].map {
            Topology.Route(from: $0.0, to: $0.1, feeBps: 5, fixedFee: 10_00, latencyMs: 600_000, capacity: 10_000_000_00)
        }
        return topology
    }

    static func views(_ ratios: [VenueID: Double]) -> [VenueID: VenueView] {
        ratios.mapValues { _ in VenueView(state: RiskTargetsTests.state(volatility: 0.8)) }.reduce(into: [:]) { result, entry in
            var state = entry.value.state
            state.venue = entry.key
            state.balance = Amount(ratios[entry.key]! * 60_000_00)
            result[entry.key] = VenueView(state: state)
        }
    }

    @Test func aCriticalVenueIsRefilledFromVenuesBelowTheirRefillLevel() {
        // b and c hold 2.5 × maintenance, a little under their refill level (2.6 in a calm market:
        // initial margin 2 plus the 0.6 gap): without the rescue nobody has surplus for a.
        let views = Self.views(["a": 1.15, "b": 2.5, "c": 2.5])
        let bands = RiskBands()
        let p = bands.parameters(venue: Self.topology().venues[0], state: views["a"]!.state, topology: Self.topology())!
        #expect(1.15 < bands.criticalLevel(p))
        let policy = bands.apply(views: views, topology: Self.topology())
        // b and c may give down to their keep (between their liquidation level and their 2.0
        // trigger), not only what they hold above their 2.6 refill level.
        let keep = bands.criticalLevel(p) + bands.rescueKeep * (p.trigger - bands.criticalLevel(p))
        #expect(abs(policy.venues[1].lowerBand - keep) < 1e-9)
        #expect(policy.venues[1].targetRatio > 2.5)
        let transfers = PredictiveStrategy().plan(views: views, topology: Self.topology())
        let delivered = transfers.filter { $0.to == "a" }.reduce(Amount(0)) { $0 + $1.amount }
        #expect(delivered >= Amount(0.5 * 60_000_00), "\(transfers)")
        #expect(transfers.allSatisfy { $0.to == "a" })
    }

    @Test func withoutACriticalVenueTheCushionAndTheHysteresisHold() {
        // a is under its trigger (initial margin, 2.0) but far from maintenance: it asks. b sits
        // between its trigger and refill level (2.0 < 2.5 < 2.6): it neither asks nor lends. c
        // gives only what it holds above its refill level.
        let views = Self.views(["a": 1.9, "b": 2.5, "c": 3.5])
        let policy = RiskBands().apply(views: views, topology: Self.topology())
        #expect(abs(policy.venues[1].lowerBand - 2.5) < 1e-9)
        let transfers = PredictiveStrategy().plan(views: views, topology: Self.topology())
        #expect(!transfers.isEmpty)
        for t in transfers {
            #expect(t.from == "c" && t.to == "a")
            let after = Double(views[t.from]!.state.balance - t.amount) / 60_000_00
            #expect(after >= 2.6 - 1e-6)
        }
    }

    @Test(arguments: [0.0, 0.5, 1.0])
    func aRescueSpendsTheCushionOnlyAsDeepAsItsKeep(keep: Double) {
        let views = Self.views(["a": 1.15, "b": 2.5, "c": 2.5])
        let bands = RiskBands(rescueKeep: keep)
        let p = bands.parameters(venue: Self.topology().venues[1], state: views["b"]!.state, topology: Self.topology())!
        let floor = bands.criticalLevel(p) + keep * (p.trigger - bands.criticalLevel(p))
        let strategy = PredictiveStrategy(bands: bands)
        let transfers = strategy.plan(views: views, topology: Self.topology())
        #expect(!transfers.isEmpty)
        for t in transfers {
            #expect(Double(views[t.from]!.state.balance - t.amount) / 60_000_00 >= floor - 1e-6)
        }
    }

    @Test func onlyCriticalVenuesAskDuringARescue() {
        // b is under its trigger too but not critical: while a is being rescued, b does not ask.
        let views = Self.views(["a": 1.15, "b": 1.9, "c": 3.5])
        let transfers = PredictiveStrategy().plan(views: views, topology: Self.topology())
        #expect(!transfers.isEmpty)
        #expect(transfers.allSatisfy { $0.to == "a" })
        // The verifier, seeing only the plan's venues, recomputes the same bands for them.
        let involved = Set(transfers.flatMap { [$0.from, $0.to] })
        let subset = views.filter { involved.contains($0.key) }
        let full = RiskBands().apply(views: views, topology: Self.topology())
        let seen = RiskBands().apply(views: subset, topology: Self.topology())
        for venue in involved {
            #expect(full.venue(venue) == seen.venue(venue))
        }
    }
}
