/// A verifier's answer to a proposal.
public enum VoteDecision: String, Sendable, Equatable, Codable {
    /// The plan passed every rule; the vote carries a signature over the plan digest.
    case approve
    /// The plan broke a rule; the vote names it.
    case reject
    /// The verifier's own view is too stale or incomplete to judge.
    case abstain
}

/// A verifier's signed answer about one plan.
public struct Vote: Sendable, Equatable {
    /// The verifier.
    public var verifier: NodeID
    /// The plan sequence voted on.
    public var planSeq: UInt64
    /// The plan digest the verifier computed itself.
    public var planDigest: [UInt8]
    /// The decision.
    public var decision: VoteDecision
    /// The rule that failed, for reject and abstain.
    public var reason: String
    /// Ed25519 signature over the plan approval digest, for approve only.
    public var signature: [UInt8]

    /// Creates a vote.
    public init(verifier: NodeID, planSeq: UInt64, planDigest: [UInt8], decision: VoteDecision, reason: String = "", signature: [UInt8] = []) {
        self.verifier = verifier
        self.planSeq = planSeq
        self.planDigest = planDigest
        self.decision = decision
        self.reason = reason
        self.signature = signature
    }
}

/// One verifier's approval signature as carried in an approved plan.
public struct ApprovalSignature: Sendable, Equatable, Codable {
    /// The verifier that signed.
    public var verifier: NodeID
    /// Ed25519 signature over the plan approval digest.
    public var signature: [UInt8]

    /// Creates an approval signature.
    public init(verifier: NodeID, signature: [UInt8]) {
        self.verifier = verifier
        self.signature = signature
    }
}
