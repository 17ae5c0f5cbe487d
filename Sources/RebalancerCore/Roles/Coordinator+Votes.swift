extension Coordinator {
    /// The digest whose signature would make `vote` count: the outstanding plan's, when `vote`
    /// approves that plan. Nil when the vote cannot count whatever its signature (a rejection, an
    /// abstention, another plan, nothing outstanding), so the shell checks no signature for it.
    public func digestToCheck(for vote: Vote) -> [UInt8]? {
        guard vote.decision == .approve, let pending = outstanding, pending.plan.planSeq == vote.planSeq else { return nil }
        return pending.digest
    }
}
