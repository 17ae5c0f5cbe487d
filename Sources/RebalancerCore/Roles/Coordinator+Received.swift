/// Approved plans a coordinator did not approve itself: published by another listed coordinator,
/// or handed back by an executor after this one's journal lost them. Whether one counts (a quorum
/// of the verifiers' signatures, which the shell checked over the digest it recomputed) is
/// decided here; the shell journals it exactly as it came, then reports `.followed` or `.restored`.
extension Coordinator {
    /// Where a received approved plan came from.
    public enum Received: Sendable, Equatable {
        /// Another listed coordinator's plan feed.
        case peer
        /// An executor's record, the plan signed by the listed coordinator `signer`.
        case handedBack(signer: NodeID)
    }

    /// Decides whether a received approved plan counts: it needs a quorum of valid signatures
    /// from the verifier set, except a plan this coordinator signed itself (its quorum was
    /// checked when it approved it).
    func receive(_ plan: Plan, from source: Received, validSigners: Set<NodeID>) -> [Directive] {
        if case let .handedBack(signer) = source, let me = standing?.me, signer == me {
            return [.journalReceived(plan, source)]
        }
        let valid = validSigners.intersection(topology.verifiers.map(\.id)).count
        guard valid >= topology.quorum else { return [.receivedWithoutQuorum(plan, source, validSigners: valid)] }
        return [.journalReceived(plan, source)]
    }
}
