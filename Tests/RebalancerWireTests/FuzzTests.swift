import Foundation
import RebalancerCore
import RebalancerSimulation
import RebalancerWire
import SwiftProtobuf
import Testing

/// Seeded random and mutated frames through EnvelopeOpener and every payload decoder: nothing
/// crashes, nothing forged opens, and valid frames are still accepted.
@Suite("Fuzz")
struct FuzzTests {
    static let senders = ["watcher-a", "coordinator", "verifier-1", "executor-1"]
    static let opener = EnvelopeOpener(
        senders: Dictionary(uniqueKeysWithValues: senders.map { ($0, TestKeys.key($0).publicKey) }),
        types: Set(MessageType.allCases)
    )

    /// Decodes `bytes` as every payload type; only the absence of a crash is checked.
    static func decodeAsEverything(_ bytes: [UInt8]) {
        _ = try? WireVenueState(serializedBytes: bytes)
        _ = try? WirePlan(serializedBytes: bytes)
        _ = try? WireProposal(serializedBytes: bytes)
        _ = try? WireVote(serializedBytes: bytes)
        _ = try? WireApprovedPlan(serializedBytes: bytes)
        _ = try? WireTransferStatus(serializedBytes: bytes)
        _ = try? WireHeartbeat(serializedBytes: bytes)
        _ = try? WireReplayRequest(serializedBytes: bytes)
        _ = try? WireTransferOrder(serializedBytes: bytes)
        _ = try? WireOrderReceipt(serializedBytes: bytes)
        _ = try? WireMarketTick(serializedBytes: bytes)
        if let plan = try? WirePlan(serializedBytes: bytes) { _ = WireDigest.plan(Plan(wire: plan)) }
    }

    /// Valid frames of several kinds, each with the (type, sender, payload) it carries.
    static func corpus() throws -> [(bytes: [UInt8], envelope: Envelope)] {
        var state = Fixtures.venueState().wire
        state.topologyID = "demo"
        var hb = WireHeartbeat()
        hb.seq = 3
        hb.counters = ["a": 1, "dropped.bad_signature": -2]
        var vote = WireVote()
        vote.planSeq = 42
        vote.planDigest = Data(WireDigest.plan(Fixtures.plan()))
        vote.decision = .approve
        vote.approval = Data(TestKeys.key("verifier-1").sign(WireDigest.plan(Fixtures.plan())))
        var approved = WireApprovedPlan()
        approved.plan = Fixtures.plan().wire
        approved.approvals = [Rebalancer_V1_Approval.with { $0.verifier = "verifier-1"; $0.signature = vote.approval }]
        let stateEnvelope = try Envelope.seal(state, type: .venueState, sender: "watcher-a", key: TestKeys.key("watcher-a"))
        var proposal = WireProposal()
        proposal.plan = Fixtures.plan().wire
        proposal.basisStates = [stateEnvelope]
        let envelopes = [
            stateEnvelope,
            try Envelope.seal(hb, type: .heartbeat, sender: "coordinator", key: TestKeys.key("coordinator")),
            try Envelope.seal(vote, type: .vote, sender: "verifier-1", key: TestKeys.key("verifier-1")),
            try Envelope.seal(approved, type: .approvedPlan, sender: "coordinator", key: TestKeys.key("coordinator")),
            try Envelope.seal(proposal, type: .proposal, sender: "coordinator", key: TestKeys.key("coordinator")),
            Envelope.sealing(payload: [], type: .heartbeat, sender: "executor-1", key: TestKeys.key("executor-1")),
        ]
        return envelopes.map { ($0.bytes(), $0) }
    }

    static func mutate(_ bytes: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var out = bytes
        for _ in 0...(rng.next() % 4) {
            let position = out.isEmpty ? 0 : Int(rng.next() % UInt64(out.count))
            switch rng.next() % 6 {
            case 0 where !out.isEmpty: out[position] ^= UInt8(1 << (rng.next() % 8))
            case 1 where !out.isEmpty: out[position] = UInt8(truncatingIfNeeded: rng.next())
            case 2: out.insert(UInt8(truncatingIfNeeded: rng.next()), at: position)
            case 3 where !out.isEmpty: out.remove(at: position)
            case 4: out = Array(out.prefix(position))
            default: out += (0..<(rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            }
        }
        return out
    }

    @Test("random and mutated frames never crash; whatever opens is exactly what was signed")
    func frames() throws {
        let corpus = try Self.corpus()
        var rng = SeededRandom(seed: 0x5EED_F00D)
        var opened = 0
        var dropped: [DropReason: Int] = [:]
        for round in 0..<4000 {
            let bytes: [UInt8]
            let original: Envelope?
            if round % 4 == 0 {
                bytes = (0..<(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                original = nil
            } else {
                let pick = corpus[Int(rng.next() % UInt64(corpus.count))]
                bytes = Self.mutate(pick.bytes, &rng)
                original = pick.envelope
            }
            Self.decodeAsEverything(bytes)
            switch Self.opener.open(bytes) {
            case let .success(envelope):
                opened += 1
                // A frame opens only if its signed fields are exactly those of a genuinely signed envelope.
                let genuine = try #require(original, "random bytes opened as a signed envelope")
                #expect(envelope.envelope.type == genuine.type)
                #expect(envelope.envelope.sender == genuine.sender)
                #expect(envelope.envelope.payload == genuine.payload)
                Self.decodeAsEverything(Array(envelope.envelope.payload))
            case let .failure(reason):
                dropped[reason, default: 0] += 1
            }
        }
        #expect(dropped[.malformedEnvelope, default: 0] > 0)
        #expect(dropped[.badSignature, default: 0] > 0)
        // Valid frames are still accepted afterwards, and decode as their declared type.
        for (bytes, envelope) in corpus {
            let result = try Self.opener.open(bytes).get()
            #expect(result.digest == envelope.digest)
        }
        let valid = corpus.map(\.envelope)
        #expect(Self.decodes(valid[0], as: WireVenueState.self))
        #expect(Self.decodes(valid[2], as: WireVote.self))
        #expect(Self.decodes(valid[3], as: WireApprovedPlan.self))
        #expect(Self.decodes(valid[4], as: WireProposal.self))
        #expect(opened > 0)
    }

    @Test("random and mutated payloads never crash a decoder")
    func payloads() throws {
        let corpus = try Self.corpus()
        var rng = SeededRandom(seed: 99)
        for round in 0..<3000 {
            if round % 3 == 0 {
                Self.decodeAsEverything((0..<(rng.next() % 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            } else {
                let payload = Array(corpus[Int(rng.next() % UInt64(corpus.count))].envelope.payload)
                Self.decodeAsEverything(Self.mutate(payload, &rng))
            }
        }
    }

    @Test("deeply nested and oversized length prefixes are refused without crashing")
    func hostileShapes() {
        // Proposal.basis_states (field 2) nesting envelopes whose payloads nest again.
        var nested: [UInt8] = []
        for _ in 0..<2000 { nested = [0x12] + Self.varint(UInt64(nested.count)) + nested }
        Self.decodeAsEverything(nested)
        _ = Self.opener.open(nested)
        // A length prefix claiming far more bytes than the frame holds.
        let huge: [UInt8] = [0x1A] + Self.varint(UInt64(Int64.max)) + [0x00]
        guard case .failure(.malformedEnvelope) = Self.opener.open(huge) else {
            Issue.record("an impossible length prefix was not refused as malformed")
            return
        }
        Self.decodeAsEverything(huge)
        // Unknown groups nested far deeper than any recursion limit.
        let groups = Array(repeating: UInt8(0x7B), count: 100_000) + Array(repeating: UInt8(0x7C), count: 100_000)
        Self.decodeAsEverything(groups)
        _ = Self.opener.open(groups)
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }
}

extension FuzzTests {
    /// Opens a known-good envelope with the fuzz opener and decodes it as `M`.
    static func decodes<M: SwiftProtobuf.Message>(_ envelope: Envelope, as _: M.Type) -> Bool {
        guard case let .success(opened) = FuzzTests.opener.open(envelope.bytes()) else { return false }
        return opened.decode(M.self) != nil
    }
}
