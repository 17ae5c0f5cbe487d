import Foundation
import RebalancerCore

extension WireApprovedPlan {
    /// The distinct verifiers, among `keys`, whose approval verifies over `digest` (the plan
    /// digest the receiver recomputed itself): what a quorum is counted from.
    public func validSigners(of digest: [UInt8], keys: [NodeID: [UInt8]]) -> Set<NodeID> {
        var signers = Set<NodeID>()
        for approval in approvals {
            guard let key = keys[approval.verifier],
                  SignatureCheck.isValid(Array(approval.signature), of: digest, publicKey: key) else { continue }
            signers.insert(approval.verifier)
        }
        return signers
    }
}
