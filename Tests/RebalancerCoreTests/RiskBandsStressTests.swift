import Testing
@testable import RebalancerCore

/// The stress floor of the risk bands: a venue holds enough to survive the largest sustained move
/// insured against (`stressMovePerHour`) for as long as capital sent now needs to arrive, a buffer
/// linear in the horizon where the Gaussian one grows with its square root (the `crash` scenario:
/// −30% in an hour is 25 calm standard deviations over a 30-minute route).
struct RiskBandsStressTests {
    /// Venue `a` of a two-venue topology with 30-minute routes, $1.2M notional, $60,000 maintenance.
    static let topology = RiskTargetsTests.topology(latencyMs: 1_800_000)

    static func parameters(_ bands: RiskBands, ratio: Double = 2.5) -> RiskBands.Parameters {
        let state = RiskTargetsTests.state(volatility: 0.8, balance: Amount(ratio * 60_000_00))
        return bands.parameters(venue: topology.venues[0], state: state, topology: topology)!
    }

    @Test func theTriggerCoversTheStressMoveOverTheInboundHorizon() {
        let stressed = Self.parameters(RiskBands(stressMovePerHour: 0.3))
        // k = 1 + 1.2M / 60k = 21; horizon 30 min + 60 s reaction; 30%/h over it is 15.5%.
        let expected = 1 + 21 * 0.3 * (1_860.0 / 3_600)
        #expect(abs(stressed.trigger - expected) < 1e-9)
        #expect(abs(stressed.stressLevel - expected) < 1e-9)
        let calm = Self.parameters(RiskBands())
        #expect(calm.trigger < 2.5)
        #expect(calm.stressLevel == 1)
    }

    @Test func theStressMoveIsCappedPerHorizon() {
        let capped = Self.parameters(RiskBands(stressMovePerHour: 5, maximumStressMove: 0.1))
        #expect(abs(capped.trigger - (1 + 21 * 0.1)) < 1e-9)
    }

    @Test func aVenueUnderItsStressLevelAsksWhateverTheGaussianCostBenefitSays() {
        // At 3× maintenance a calm Gaussian sees no risk worth a refill; the stress floor does.
        let views = ["a": VenueView(state: RiskTargetsTests.state(volatility: 0.8, balance: 180_000_00)),
                     "b": VenueView(state: { var s = RiskTargetsTests.state(volatility: 0.8, balance: 600_000_00); s.venue = "b"; return s }())]
        let bands = RiskBands(stressMovePerHour: 0.3)
        let p = Self.parameters(bands, ratio: 3)
        #expect(!bands.worthRefilling(from: 3, p, venue: "a", margin: 60_000_00, topology: Self.topology))
        let policy = bands.apply(views: views, topology: Self.topology)
        #expect(abs(policy.venues[0].lowerBand - p.trigger) < 1e-9)
        let transfers = PredictiveStrategy(bands: bands).plan(views: views, topology: Self.topology)
        #expect(transfers.contains { $0.from == "b" && $0.to == "a" })
        // Without the stress floor the same venue does not ask.
        let plain = RiskBands().apply(views: views, topology: Self.topology)
        #expect(plain.venues[0].lowerBand < 3)
    }
}
