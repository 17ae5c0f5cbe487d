import Foundation
import RebalancerCore
import RebalancerSimulation
import RebalancerWire
import Testing

/// The plan digest covers exactly the fields docs/wire.md lists, with transfers in canonical
/// order and basis references sorted by venue.
@Suite("Plan digest")
struct PlanDigestTests {
    @Test("independent of the order transfers and basis references are given in")
    func orderIndependent() {
        let plan = Fixtures.plan()
        let digest = WireDigest.plan(plan)
        var rng = SeededRandom(seed: 7)
        for _ in 0..<50 {
            var shuffled = plan
            shuffled.transfers.shuffle(using: &rng)
            shuffled.basis.shuffle(using: &rng)
            #expect(WireDigest.plan(shuffled) == digest)
        }
        var reversed = plan
        reversed.transfers.reverse()
        reversed.basis.reverse()
        #expect(WireDigest.plan(reversed) == digest)
    }

    @Test("canonical order is by source, then destination, then amount")
    func canonicalOrder() {
        let given = [
            Transfer(from: "b", to: "a", amount: 1), Transfer(from: "a", to: "c", amount: 1),
            Transfer(from: "a", to: "b", amount: 9), Transfer(from: "a", to: "b", amount: -3),
        ]
        #expect(Plan.canonical(given) == [
            Transfer(from: "a", to: "b", amount: -3), Transfer(from: "a", to: "b", amount: 9),
            Transfer(from: "a", to: "c", amount: 1), Transfer(from: "b", to: "a", amount: 1),
        ])
    }

    struct Change: Sendable, CustomTestStringConvertible {
        let name: String
        let apply: @Sendable (inout Plan) -> Void
        var testDescription: String { name }
    }

    static let covered: [Change] = [
        Change(name: "topology id") { $0.topologyID = "demo2" },
        Change(name: "epoch") { $0.epoch += 1 },
        Change(name: "plan sequence") { $0.planSeq += 1 },
        Change(name: "expiry (1 ns)") { $0.expiresAt += 1 },
        Change(name: "transfer source") { $0.transfers[0].from = "venue-z" },
        Change(name: "transfer destination") { $0.transfers[0].to = "venue-z" },
        Change(name: "transfer amount") { $0.transfers[0].amount += 1 },
        Change(name: "transfer amount sign") { $0.transfers[0].amount = -$0.transfers[0].amount },
        Change(name: "a transfer added") { $0.transfers.append(Transfer(from: "venue-c", to: "venue-a", amount: 1)) },
        Change(name: "a transfer removed") { $0.transfers.removeLast() },
        Change(name: "a transfer duplicated") { $0.transfers.append($0.transfers[0]) },
        Change(name: "basis venue") { $0.basis[0].venue = "venue-z" },
        Change(name: "basis seq") { $0.basis[0].seq += 1 },
        Change(name: "basis digest (one bit)") { $0.basis[0].digest[31] ^= 1 },
        Change(name: "basis digest length") { $0.basis[0].digest.append(0) },
        Change(name: "a basis reference added") { $0.basis.append(BasisRef(venue: "venue-c", seq: 1, observedAt: 0, digest: [])) },
        Change(name: "a basis reference removed") { $0.basis.removeLast() },
        Change(name: "bytes moved between source and destination") { $0.transfers = [Transfer(from: "venue-ab", to: "c", amount: 1)] },
    ]

    static let informational: [Change] = [
        Change(name: "creation time") { $0.createdAt += 1_000 },
        Change(name: "trigger venue") { $0.triggerVenue = "venue-b" },
        Change(name: "trigger observation time") { $0.triggerObservedAt += 1 },
        Change(name: "strategy") { $0.strategy = "static" },
        Change(name: "basis observation time") { $0.basis[0].observedAt += 1 },
    ]

    @Test("changes with every covered field", arguments: covered)
    func coveredField(_ change: Change) {
        var plan = Fixtures.plan()
        let before = WireDigest.plan(plan)
        change.apply(&plan)
        #expect(WireDigest.plan(plan) != before)
    }

    @Test("ignores informational fields", arguments: informational)
    func informationalField(_ change: Change) {
        var plan = Fixtures.plan()
        let before = WireDigest.plan(plan)
        change.apply(&plan)
        #expect(WireDigest.plan(plan) == before)
    }

    @Test("'ab'->'c' and 'a'->'bc' differ (length prefixes)")
    func lengthPrefixes() {
        var a = Fixtures.plan(transfers: [Transfer(from: "ab", to: "c", amount: 1)])
        let b = Fixtures.plan(transfers: [Transfer(from: "a", to: "bc", amount: 1)])
        #expect(WireDigest.plan(a) != WireDigest.plan(b))
        a.topologyID = "dem"
        a.transfers = []
        #expect(WireDigest.plan(a) != WireDigest.plan(Fixtures.plan(transfers: [])))
    }

    @Test("verifier approvals verify over the recomputed digest of the plan as received")
    func approvalOverWire() throws {
        let plan = Fixtures.plan(transfers: [Transfer(from: "venue-b", to: "venue-a", amount: 5), Transfer(from: "venue-a", to: "venue-b", amount: 9)])
        let verifier = TestKeys.key("verifier-1")
        let signature = verifier.sign(WireDigest.plan(plan))
        let bytes: [UInt8] = try plan.wire.serializedBytes()
        let received = Plan(wire: try WirePlan(serializedBytes: bytes))
        #expect(SignatureCheck.isValid(signature, of: WireDigest.plan(received), publicKey: verifier.publicKey))
        var altered = received
        altered.transfers[0].amount += 1
        #expect(!SignatureCheck.isValid(signature, of: WireDigest.plan(altered), publicKey: verifier.publicKey))
    }
}
