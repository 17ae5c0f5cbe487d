/// Namespace of the verifier's checks.
public enum Verifier {}

extension Verifier {
    /// A named rule. Its raw value is the reason code carried in signed rejections, logs and metrics.
    public enum Rule: String, Sendable, CaseIterable, Codable {
        /// The proposal names another topology or verifier-set epoch.
        case wrongTopology = "wrong_topology"
        /// The plan has expired, or its lifetime exceeds the allowed TTL.
        case expired = "expired"
        /// planSeq is not above the last one this verifier signed, or reuses one with another digest.
        case seqNotIncreasing = "seq_not_increasing"
        /// A basis state is missing, does not match its reference, or is not signed by its watcher.
        case basisInvalid = "basis_invalid"
        /// A basis state lags the verifier's own view by more than the tolerance.
        case basisStale = "basis_stale"
        /// A venue in the plan has withdrawals disabled or is stale in the verifier's view.
        case venueUnavailable = "venue_unavailable"
        /// A transfer is zero or negative, or a self-transfer.
        case badAmount = "bad_amount"
        /// A transfer names a venue or a route outside the topology.
        case unknownRoute = "unknown_route"
        /// A source would be drawn below its floor, or a balance below zero.
        case floorBreached = "floor_breached"
        /// The plan moves capital that no venue needs, or does not improve on doing nothing.
        case noImprovement = "no_improvement"
        /// The plan's objective is worse than the verifier's own recomputation from the same basis
        /// (beyond tolerance), or the plan names a strategy the verifier does not know.
        case objectiveMismatch = "objective_mismatch"
        /// A destination would receive well beyond what it needs to reach its target (an inflated amount).
        case overfunded = "overfunded"
        /// A per-transfer, per-venue, per-route or global limit would be exceeded.
        case limitExceeded = "limit_exceeded"
        /// The verifier's own view of a venue is missing or stale: it abstains rather than judges.
        case viewStale = "view_stale"
        /// The verifier could not durably record an approval (its ledger failed): it abstains, since
        /// it may sign only what it will remember.
        case ledgerFailed = "ledger_failed"
    }

    /// The outcome of checking one proposal.
    public struct Verdict: Sendable, Equatable {
        /// Approve, reject or abstain.
        public var decision: VoteDecision
        /// The rule that failed, nil on approval.
        public var rule: Rule?
        /// A human-readable detail for logs (never signed, never trusted).
        public var detail: String

        /// An approval.
        public static let approve = Verdict(decision: .approve, rule: nil, detail: "")
        /// A rejection naming the rule.
        public static func reject(_ rule: Rule, _ detail: String) -> Verdict { Verdict(decision: .reject, rule: rule, detail: detail) }
        /// An abstention naming the rule.
        public static func abstain(_ rule: Rule, _ detail: String) -> Verdict { Verdict(decision: .abstain, rule: rule, detail: detail) }
    }
}
