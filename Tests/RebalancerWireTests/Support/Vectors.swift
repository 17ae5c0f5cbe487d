import Crypto
import Foundation
import RebalancerCore
import RebalancerWire
import Testing

/// The test vectors in `Vectors/`, as another implementation would read them.
enum Vectors {
    /// One case of `envelope.json`.
    struct EnvelopeCase: Decodable, Sendable, CustomTestStringConvertible {
        let description: String
        let type: Int32
        let sender: String
        let payloadHex: String
        let digestHex: String
        let publicKeyHex: String
        let signatureHex: String
        let envelopeHex: String
        let testOnlySeedHex: String

        var payload: [UInt8] { Hex.decode(payloadHex) }
        var digest: [UInt8] { Hex.decode(digestHex) }
        var publicKey: [UInt8] { Hex.decode(publicKeyHex) }
        var signature: [UInt8] { Hex.decode(signatureHex) }
        var envelopeBytes: [UInt8] { Hex.decode(envelopeHex) }
        var testDescription: String { description }
    }

    /// One case of `plan.json`.
    struct PlanCase: Decodable, Sendable, CustomTestStringConvertible {
        struct WirePlanFields: Decodable, Sendable {
            let topologyId: String
            let epoch: UInt64
            let planSeq: UInt64
            let expiresAtNs: Int64
            let transfers: [TransferFields]
            let basis: [BasisFields]
        }
        struct TransferFields: Decodable, Sendable {
            let from: String
            let to: String
            let amount: Int64
        }
        struct BasisFields: Decodable, Sendable {
            let venue: String
            let seq: UInt64
            let digestHex: String
        }

        let description: String
        let plan: WirePlanFields
        let digestHex: String
        let inputHex: String

        var testDescription: String { description }

        /// The plan, with informational fields set to arbitrary values the digest must ignore.
        var domainPlan: Plan {
            Plan(
                topologyID: plan.topologyId, epoch: plan.epoch, planSeq: plan.planSeq, createdAt: 123, expiresAt: plan.expiresAtNs,
                transfers: plan.transfers.map { Transfer(from: $0.from, to: $0.to, amount: $0.amount) },
                basis: plan.basis.map { BasisRef(venue: $0.venue, seq: $0.seq, observedAt: 456, digest: Hex.decode($0.digestHex)) },
                triggerVenue: "informational", triggerObservedAt: 789, strategy: "informational"
            )
        }
    }

    static let envelopes: [EnvelopeCase] = load("envelope")
    static let plans: [PlanCase] = load("plan")

    private static func load<T: Decodable>(_ name: String) -> [T] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors"),
              let data = try? Data(contentsOf: url)
        else { fatalError("missing test vector file Vectors/\(name).json") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do { return try decoder.decode([T].self, from: data) } catch { fatalError("Vectors/\(name).json: \(error)") }
    }
}

/// Lower-case hex.
enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func decode(_ text: String) -> [UInt8] {
        let chars = Array(text.utf8)
        precondition(chars.count % 2 == 0, "odd-length hex")
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            default: preconditionFailure("bad hex digit")
            }
        }
        return stride(from: 0, to: chars.count, by: 2).map { nibble(chars[$0]) << 4 | nibble(chars[$0 + 1]) }
    }
}

/// Deterministic test-only keys: seed = SHA-256("rebalancer/test-only-key/<node id>"), as in the vectors.
enum TestKeys {
    static func key(_ node: String) -> SigningKey {
        // The seed is 32 bytes, so the initialiser cannot fail.
        try! SigningKey(seed: Array(SHA256.hash(data: Array("rebalancer/test-only-key/\(node)".utf8))))
    }
}

/// Small fixtures shared by the tests.
enum Fixtures {
    static let t0: Nanos = 1_750_000_000_000_000_000

    static func venueState(_ venue: VenueID = "venue-a", seq: UInt64 = 7) -> VenueState {
        VenueState(
            venue: venue, seq: seq, observedAt: t0, balance: 12_500_000, maintenanceMargin: 4_000_000, initialMargin: 8_000_000,
            markPrice: 64_250.5, volatility: 0.65, positionSize: -1.25, depth: 900_000_000, withdrawalsEnabled: false,
            pendingIn: 1, pendingOut: 250_000, pendingTransfers: ["41/0"], settledTransfers: ["40/0", "40/1"]
        )
    }

    static func plan(transfers: [Transfer]? = nil) -> Plan {
        Plan(
            topologyID: "demo", epoch: 3, planSeq: 42, createdAt: t0 - 1, expiresAt: t0 + 5_000_000_000,
            transfers: transfers ?? [
                Transfer(from: "venue-a", to: "venue-b", amount: 100),
                Transfer(from: "venue-a", to: "venue-c", amount: 50),
                Transfer(from: "venue-b", to: "venue-c", amount: 7),
            ],
            basis: [
                BasisRef(venue: "venue-a", seq: 10, observedAt: t0 - 3, digest: Array(repeating: 0xAA, count: 32)),
                BasisRef(venue: "venue-b", seq: 11, observedAt: t0 - 2, digest: Array(repeating: 0xBB, count: 32)),
            ],
            triggerVenue: "venue-a", triggerObservedAt: t0 - 3, strategy: "greedy-threshold"
        )
    }

    /// A sealed VenueState envelope from `sender`, signed with its test key.
    static func sealedState(sender: NodeID = "watcher-a", type: MessageType = .venueState) -> Envelope {
        var wire = venueState().wire
        wire.topologyID = "demo"
        // Encoding a generated message with every field set cannot fail.
        return try! Envelope.seal(wire, type: type, sender: sender, key: TestKeys.key(sender))
    }
}
