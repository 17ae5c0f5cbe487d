import Crypto
import Foundation
import RebalancerCore

/// Domain-separated SHA-256 digests: the exact bytes every signature in the system covers.
///
/// Each digest hashes a domain tag, then fields in a fixed order, each length-prefixed so that no
/// two different inputs share an encoding. Integers are big-endian; strings are UTF-8.
/// `docs/wire.md` specifies the same rules for implementers in other languages.
public enum WireDigest {
    /// Domain tag of the envelope digest.
    public static let envelopeTag = "rebalancer/envelope/v1"
    /// Domain tag of the plan digest.
    public static let planTag = "rebalancer/plan/v1"

    /// The digest an envelope signature covers: tag, message type, sender, payload bytes.
    public static func envelope(type: Int32, sender: String, payload: some DataProtocol) -> [UInt8] {
        var input = DigestInput(tag: envelopeTag)
        input.append(UInt32(bitPattern: type))
        input.append(sender)
        input.append(bytes: Array(payload))
        return input.sha256()
    }

    /// The digest verifiers sign to approve a plan and executors recompute before acting.
    ///
    /// It covers the topology id, epoch, plan sequence, expiry, the canonical transfers and the
    /// basis digests, in that order. Creation time, trigger and strategy are informational only.
    public static func plan(_ plan: Plan) -> [UInt8] {
        var input = DigestInput(tag: planTag)
        input.append(plan.topologyID)
        input.append(plan.epoch)
        input.append(plan.planSeq)
        input.append(UInt64(bitPattern: plan.expiresAt))
        let transfers = Plan.canonical(plan.transfers)
        input.append(UInt32(transfers.count))
        for transfer in transfers {
            input.append(transfer.from)
            input.append(transfer.to)
            input.append(UInt64(bitPattern: transfer.amount))
        }
        let basis = plan.basis.sorted { $0.venue.utf8.lexicographicallyPrecedes($1.venue.utf8) }
        input.append(UInt32(basis.count))
        for ref in basis {
            input.append(ref.venue)
            input.append(ref.seq)
            input.append(bytes: ref.digest)
        }
        return input.sha256()
    }
}

/// Accumulates a digest input: a length-prefixed tag, then length-prefixed fields.
struct DigestInput {
    private(set) var bytes: [UInt8] = []

    init(tag: String) { append(tag) }

    mutating func append(_ value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ string: String) { append(bytes: Array(string.utf8)) }

    mutating func append(bytes field: [UInt8]) {
        append(UInt32(field.count))
        bytes.append(contentsOf: field)
    }

    func sha256() -> [UInt8] { Array(SHA256.hash(data: bytes)) }
}

extension WireDigest {
    /// Domain tag of the verifier-set rotation digest.
    public static let rotationTag = "rebalancer/rotation/v1"

    /// The digest the current verifier set signs to hand over to a new set: tag, then the encoded
    /// `Rotation` bytes exactly as carried in `SignedRotation.rotation`.
    public static func rotation(_ bytes: [UInt8]) -> [UInt8] {
        var input = DigestInput(tag: rotationTag)
        input.append(bytes: bytes)
        return input.sha256()
    }
}
