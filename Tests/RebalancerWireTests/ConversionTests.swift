import Foundation
import RebalancerCore
import RebalancerSimulation
import RebalancerWire
import SwiftProtobuf
import Testing

/// Core domain values survive the trip through their wire form and its bytes.
@Suite("Core <-> wire conversions")
struct ConversionTests {
    private func throughBytes<M: SwiftProtobuf.Message>(_ message: M) throws -> M {
        try M(serializedBytes: try message.serializedBytes() as [UInt8])
    }

    @Test("a venue state round-trips, every field")
    func venueState() throws {
        let state = Fixtures.venueState()
        #expect(VenueState(wire: try throughBytes(state.wire)) == state)
    }

    @Test("random venue states round-trip")
    func randomVenueStates() throws {
        var rng = SeededRandom(seed: 2024)
        for _ in 0..<200 {
            let state = VenueState(
                venue: "venue-\(rng.next() % 100)", seq: rng.next(), observedAt: Int64(bitPattern: rng.next()),
                balance: Int64(bitPattern: rng.next()), maintenanceMargin: Int64(bitPattern: rng.next()),
                initialMargin: Int64(bitPattern: rng.next()), markPrice: rng.nextUniform() * 100_000,
                volatility: rng.nextUniform(), positionSize: rng.nextGaussian(), depth: Int64(bitPattern: rng.next()),
                withdrawalsEnabled: rng.next() % 2 == 0, pendingIn: Int64(bitPattern: rng.next()), pendingOut: Int64(bitPattern: rng.next()),
                pendingTransfers: (0..<rng.next() % 4).map { "\($0)/\(rng.next() % 9)" }, settledTransfers: rng.next() % 2 == 0 ? [] : ["1/0"]
            )
            #expect(VenueState(wire: try throughBytes(state.wire)) == state)
        }
    }

    @Test("extreme values round-trip")
    func extremes() throws {
        var state = Fixtures.venueState()
        state.seq = .max
        state.balance = .min
        state.observedAt = .max
        state.markPrice = .infinity
        state.volatility = -.greatestFiniteMagnitude
        state.positionSize = .leastNonzeroMagnitude
        state.venue = "ünïcödé-venue"
        #expect(VenueState(wire: try throughBytes(state.wire)) == state)
    }

    @Test("a plan with canonical transfers round-trips exactly")
    func planRoundTrip() throws {
        let plan = Fixtures.plan()
        #expect(Plan.canonical(plan.transfers) == plan.transfers)
        #expect(Plan(wire: try throughBytes(plan.wire)) == plan)
    }

    @Test("the wire form carries transfers in canonical order and basis references as given")
    func planCanonicalOnWire() throws {
        var plan = Fixtures.plan()
        plan.transfers.reverse()
        plan.basis.reverse()
        let back = Plan(wire: try throughBytes(plan.wire))
        #expect(back.transfers == Plan.canonical(plan.transfers))
        #expect(back.basis == plan.basis)
        #expect(WireDigest.plan(back) == WireDigest.plan(plan))
        var expected = plan
        expected.transfers = Plan.canonical(plan.transfers)
        #expect(back == expected)
    }

    @Test("an empty wire plan converts to an empty plan")
    func emptyPlan() {
        let plan = Plan(wire: WirePlan())
        #expect(plan.transfers.isEmpty && plan.basis.isEmpty && plan.topologyID.isEmpty && plan.planSeq == 0)
    }

    @Test("vote decisions round-trip; unspecified and unknown decisions are refused")
    func decisions() {
        for decision in [VoteDecision.approve, .reject, .abstain] {
            #expect(VoteDecision(wire: decision.wire) == decision)
        }
        #expect(VoteDecision(wire: .unspecified) == nil)
        #expect(VoteDecision(wire: .UNRECOGNIZED(9)) == nil)
    }
}
