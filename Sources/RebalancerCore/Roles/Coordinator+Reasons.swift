extension Coordinator {
    /// Why the coordinator proposes nothing for now.
    public enum Hold: Sendable, Equatable, CustomStringConvertible {
        /// Just started: waiting for a quorum of verifier heartbeats (a proposal sent to a verifier
        /// that has not connected yet is lost, and its planSeq burnt).
        case starting
        /// Fewer verifiers than the quorum were heard within the staleness bound.
        case quorumUnreachable(alive: Int, of: Int, needed: Int, silent: [NodeID])
        /// Another coordinator leads (nil: none is known to).
        case standby(leader: NodeID?)

        /// A readable description, for logs.
        public var description: String {
            switch self {
            case .starting: "starting: waiting for a quorum of verifier heartbeats"
            case let .quorumUnreachable(alive, of, needed, silent):
                "quorum unreachable: \(alive) of \(of) verifiers alive, \(needed) needed; silent: \(silent.joined(separator: ","))"
            case let .standby(leader): "standby: \(leader ?? "no coordinator") leads"
            }
        }
    }

    /// Why a proposal was given up.
    public enum AbandonReason: Sendable, Equatable, CustomStringConvertible {
        /// Too many verifiers refused it for a quorum to remain possible (each refusal's reason code).
        case rejected(refusals: [NodeID: String])
        /// It expired before a quorum approved it; these verifiers never answered.
        case quorumUnreachable(approvals: Int, quorum: Int, missing: [NodeID])
        /// Another coordinator's approved plan took this sequence.
        case superseded(by: UInt64)

        /// The counter it is counted under.
        public var counter: String {
            switch self {
            case .quorumUnreachable: "plans.unreachable"
            case .rejected, .superseded: "plans.rejected"
            }
        }

        /// A readable description, for logs.
        public var description: String {
            switch self {
            case let .rejected(refusals):
                "rejected: " + refusals.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            case let .quorumUnreachable(approvals, quorum, missing):
                "quorum unreachable: \(approvals)/\(quorum) approvals, no answer from \(missing.joined(separator: ","))"
            case let .superseded(seq): "superseded: planSeq \(seq) approved by another coordinator"
            }
        }
    }
}
