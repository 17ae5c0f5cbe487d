import Testing
@testable import RebalancerCore

/// Direction-aware bands (`DirectionalBands`, the `directional` strategy): the leg the current move
/// drains is refilled ahead of the move's continuation, from the winning leg's gains; a leg the
/// move feeds is never rescued. Three venues, every route 10 minutes, $1.2M notional each,
/// maintenance $60,000 (`RiskBandsRescueTests.topology`).
struct DirectionalBandsTests {
    /// `a` long, `b` short, `c` long; ratios, utilisation trends (per second) and volatility.
    static func views(_ entries: [VenueID: (ratio: Double, trend: Double)], volatility: Double) -> [VenueID: VenueView] {
        entries.reduce(into: [:]) { result, entry in
            var state = RiskTargetsTests.state(volatility: volatility, trend: entry.value.trend)
            state.venue = entry.key
            state.balance = Amount(entry.value.ratio * 60_000_00)
            if entry.key == "b" { state.positionSize = -state.positionSize }
            result[entry.key] = VenueView(state: state)
        }
    }

    static func sent(_ transfers: [Transfer], to venue: VenueID) -> Amount {
        transfers.filter { $0.to == venue }.reduce(Amount(0)) { $0 + $1.amount }
    }

    @Test func inACrashTheFedShortIsNotRescuedAndTheDrainedLongIsNotDrawnFrom() {
        // The crash's first minutes (forecast 360% a year after the jump): the long `a` loses
        // about 0.1 × maintenance a minute, the short `b` gains as much but sits low (1.8) after
        // the trend before. Direction-blind, `b` looks critical and `a` (at 2.4) a source.
        let views = Self.views(["a": (2.4, 2.5e-4), "b": (1.8, -3e-4), "c": (3.0, 0)], volatility: 3.6)
        let topology = RiskBandsRescueTests.topology()
        let blind = PredictiveStrategy().plan(views: views, topology: topology)
        #expect(Self.sent(blind, to: "b") > 0, "the diagnosed failure: \(blind)")

        let bands = DirectionalBands.standard
        let a = bands.policy(venue: topology.venues[0], state: views["a"]!.state, topology: topology)!
        let b = bands.policy(venue: topology.venues[1], state: views["b"]!.state, topology: topology)!
        #expect(a.direction == .drained && b.direction == .fed)
        #expect(a.critical > 2.4 && a.trigger > a.parameters.trigger)
        let transfers = DirectionalStrategy().plan(views: views, topology: topology)
        #expect(Self.sent(transfers, to: "a") >= 20_000_00, "\(transfers)")
        #expect(transfers.allSatisfy { $0.to == "a" && $0.from != "b" }, "\(transfers)")
    }

    @Test func theWinningLegShipsItsGainsBeforeTheDrainedLegIsCritical() {
        // Calm volatility; `a` drained (its ratio would lose 0.5 over its horizon), not critical;
        // `b` fed, between its trigger and refill level. Direction-blind, nobody moves: `a` is above
        // its trigger and `b` holds less than its refill level.
        let topology = RiskBandsRescueTests.topology()
        let drain = 0.5 / (2.3 * 2.3 * 660)
        let views = Self.views(["a": (2.3, drain), "b": (3.2, -1e-4), "c": (2.5, 0)], volatility: 0.8)
        #expect(PredictiveStrategy().plan(views: views, topology: topology).isEmpty)
        let bands = DirectionalBands.standard
        let b = bands.policy(venue: topology.venues[1], state: views["b"]!.state, topology: topology)!
        let transfers = DirectionalStrategy().plan(views: views, topology: topology)
        #expect(Self.sent(transfers, to: "a") >= 20_000_00, "\(transfers)")
        for t in transfers {
            #expect(t.from == "b" && t.to == "a")
            // The giver keeps its own trigger: the buffer against the reversal over its horizon.
            #expect(Double(views["b"]!.state.balance - t.amount) / 60_000_00 >= b.trigger - 1e-6)
        }
    }

    @Test func aDrainedVenueDoesNotGiveInARescue() {
        // `c` is critical with no move (1.2 × maintenance); `a` is drained but above its raised
        // liquidation level: it keeps what it has; `b`, fed, gives.
        let topology = RiskBandsRescueTests.topology()
        let drain = 0.5 / (3.5 * 3.5 * 660)
        let views = Self.views(["a": (3.5, drain), "b": (3.5, -1e-4), "c": (1.2, 0)], volatility: 0.8)
        let transfers = DirectionalStrategy().plan(views: views, topology: topology)
        #expect(Self.sent(transfers, to: "c") > 0, "\(transfers)")
        #expect(transfers.allSatisfy { $0.from == "b" && $0.to == "c" }, "\(transfers)")
    }

    @Test func aTrendWithinTheNoiseIsNoMove() {
        let topology = RiskBandsRescueTests.topology()
        let bands = DirectionalBands.standard
        let views = Self.views(["a": (2.5, 1e-6), "b": (2.5, -1e-6), "c": (2.5, 0)], volatility: 0.8)
        for venue in topology.venues {
            let policy = bands.policy(venue: venue, state: views[venue.id]!.state, topology: topology)!
            #expect(policy.direction == .flat)
            #expect(policy.trigger == policy.parameters.trigger)
        }
    }

    @Test func theStressFloorGrowsWithTheInboundLatency() {
        // A sustained 30% an hour over the horizon (latency + 60 s), times k = 21: a 30-minute
        // route needs about 1 + 21 × 0.155 = 4.26 × maintenance, a 10-minute one 2.16.
        let bands = DirectionalBands.standard
        let state = RiskTargetsTests.state(volatility: 0.8)
        let slow = RiskTargetsTests.topology(latencyMs: 1_800_000)
        let fast = RiskTargetsTests.topology(latencyMs: 600_000)
        let s = bands.policy(venue: slow.venues[0], state: state, topology: slow)!
        let f = bands.policy(venue: fast.venues[0], state: state, topology: fast)!
        #expect(abs(s.trigger - (1 + 21 * 0.155)) < 0.01)
        #expect(abs(f.trigger - (1 + 21 * 0.055)) < 0.01)
    }
}
