import Foundation
import RebalancerCore

/// The wire form of a verifier-set rotation.
public typealias WireSignedRotation = Rebalancer_V1_SignedRotation
/// The unsigned rotation.
public typealias WireRotation = Rebalancer_V1_Rotation

extension WireSignedRotation {
    /// The rotation's digest: what each current verifier signs.
    public var digest: [UInt8] { WireDigest.rotation(Array(rotation)) }

    /// The rotation, decoded from the signed bytes; nil if they do not decode.
    public var decoded: VerifierSets.Rotation? {
        guard let w = try? WireRotation(serializedBytes: rotation) else { return nil }
        let members = Dictionary(w.verifiers.map { ($0.id, Array($0.signingKey)) }, uniquingKeysWith: { first, _ in first })
        guard members.count == w.verifiers.count else { return nil }
        return VerifierSets.Rotation(
            topologyID: w.topologyID, fromEpoch: w.fromEpoch,
            next: VerifierSet(epoch: w.toEpoch, members: members, quorum: Int(w.quorum)),
            activateAt: w.activateAtNs, graceMs: w.graceMs
        )
    }

    /// The distinct members of `set` whose approval verifies over the rotation digest.
    public func validSigners(of set: VerifierSet) -> Set<NodeID> {
        let digest = self.digest
        var signers = Set<NodeID>()
        for approval in approvals {
            guard let key = set.members[approval.verifier],
                  SignatureCheck.isValid(Array(approval.signature), of: digest, publicKey: key) else { continue }
            signers.insert(approval.verifier)
        }
        return signers
    }

    /// Adds (or replaces) one verifier's approval.
    public mutating func sign(as verifier: NodeID, key: SigningKey) {
        approvals.removeAll { $0.verifier == verifier }
        var approval = Rebalancer_V1_Approval()
        approval.verifier = verifier
        approval.signature = Data(key.sign(digest))
        approvals.append(approval)
    }
}

extension WireRotation {
    /// The rotation that hands `from`'s verifier set over to `to`'s (`to.epoch` must be `from.epoch + 1`).
    public init(from: Topology, to: Topology, activateAt: Nanos, graceMs: Int64) {
        self.init()
        topologyID = from.id
        fromEpoch = from.epoch
        toEpoch = to.epoch
        verifiers = to.verifiers.map { node in
            var key = Rebalancer_V1_VerifierKey()
            key.id = node.id
            key.signingKey = Data(node.signingKey)
            return key
        }
        quorum = UInt32(to.quorum)
        activateAtNs = activateAt
        self.graceMs = graceMs
    }
}
