import Foundation
import RebalancerCore
import RebalancerWire
import Testing

/// The files in `Vectors/` agree with this implementation (and, through
/// `docs/tools/check_vectors.py`, with an independent one).
@Suite("Test vectors")
struct VectorTests {
    @Test("envelope digest matches the vector", arguments: Vectors.envelopes)
    func envelopeDigest(_ v: Vectors.EnvelopeCase) {
        #expect(Hex.encode(WireDigest.envelope(type: v.type, sender: v.sender, payload: v.payload)) == v.digestHex)
    }

    @Test("envelope signature verifies, and the key is the labelled test-only key", arguments: Vectors.envelopes)
    func envelopeSignature(_ v: Vectors.EnvelopeCase) throws {
        #expect(SignatureCheck.isValid(v.signature, of: v.digest, publicKey: v.publicKey))
        #expect(try SigningKey(seed: Hex.decode(v.testOnlySeedHex)).publicKey == v.publicKey)
        #expect(TestKeys.key(v.sender).publicKey == v.publicKey)
    }

    @Test("envelope frame decodes to the vector's fields and opens", arguments: Vectors.envelopes)
    func envelopeFrame(_ v: Vectors.EnvelopeCase) throws {
        let envelope = try Envelope(serializedBytes: v.envelopeBytes)
        #expect(envelope.type.rawValue == Int(v.type))
        #expect(envelope.sender == v.sender)
        #expect(Array(envelope.payload) == v.payload)
        #expect(Array(envelope.signature) == v.signature)
        let opener = EnvelopeOpener(senders: [v.sender: v.publicKey], types: [envelope.type])
        let opened = try opener.open(v.envelopeBytes).get()
        #expect(opened.digest == v.digest)
    }

    @Test("a fresh signature by the test key also verifies (signatures are checked, never compared)", arguments: Vectors.envelopes)
    func resealVerifies(_ v: Vectors.EnvelopeCase) throws {
        let type = try #require(MessageType(rawValue: Int(v.type)))
        let envelope = Envelope.sealing(payload: v.payload, type: type, sender: v.sender, key: TestKeys.key(v.sender))
        #expect(envelope.isSigned(by: v.publicKey))
        #expect(envelope.digest == v.digest)
    }

    @Test("envelope payloads decode as their declared type", arguments: Vectors.envelopes)
    func payloadDecodes(_ v: Vectors.EnvelopeCase) throws {
        switch MessageType(rawValue: Int(v.type)) {
        case .venueState: _ = try WireVenueState(serializedBytes: v.payload)
        case .vote:
            let vote = try WireVote(serializedBytes: v.payload)
            if vote.decision == .approve {
                #expect(SignatureCheck.isValid(Array(vote.approval), of: Array(vote.planDigest), publicKey: v.publicKey))
                #expect(Vectors.plans.contains { $0.digestHex == Hex.encode(vote.planDigest) })
            }
        case .heartbeat: _ = try WireHeartbeat(serializedBytes: v.payload)
        case .approvedPlan:
            let approved = try WireApprovedPlan(serializedBytes: v.payload)
            let digest = WireDigest.plan(Plan(wire: approved.plan))
            #expect(Vectors.plans.contains { $0.digestHex == Hex.encode(digest) })
            for approval in approved.approvals {
                #expect(SignatureCheck.isValid(Array(approval.signature), of: digest, publicKey: TestKeys.key(approval.verifier).publicKey))
            }
            #expect(approved.approvals.count == 3)
        default: Issue.record("vector of unexpected type \(v.type)")
        }
    }

    @Test("the vectors cover the required kinds")
    func coverage() {
        let types = Set(Vectors.envelopes.map(\.type))
        for type in [MessageType.venueState, .vote, .heartbeat] { #expect(types.contains(Int32(type.rawValue))) }
        #expect(Vectors.envelopes.contains { $0.payload.isEmpty })
        #expect(Vectors.plans.contains { c in
            let given = c.plan.transfers.map { Transfer(from: $0.from, to: $0.to, amount: $0.amount) }
            return given != Plan.canonical(given)
        })
    }

    @Test("plan digest matches the vector (digest_hex; check_vectors.py checks input_hex)", arguments: Vectors.plans)
    func planDigest(_ v: Vectors.PlanCase) {
        #expect(Hex.encode(WireDigest.plan(v.domainPlan)) == v.digestHex)
    }

    @Test("plan digest survives the wire form", arguments: Vectors.plans)
    func planDigestThroughWire(_ v: Vectors.PlanCase) throws {
        let bytes: [UInt8] = try v.domainPlan.wire.serializedBytes()
        let decoded = Plan(wire: try WirePlan(serializedBytes: bytes))
        #expect(Hex.encode(WireDigest.plan(decoded)) == v.digestHex)
    }
}
