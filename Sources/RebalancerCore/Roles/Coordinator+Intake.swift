/// What the shell asks the core before it hands over states or checks a vote.
extension Coordinator {
    /// Whether states kept by the shell should be handed over now, given how many messages are
    /// already waiting on its sockets: only with no proposal out and nothing else waiting, so a
    /// state that comes alone is planned on at once and a burst is planned on once.
    public func takesStates(backlog: Int) -> Bool {
        outstanding == nil && backlog == 0
    }

    /// The digest whose signature would make `vote` count: the outstanding plan's, when `vote`
    /// approves that plan. Nil when the vote cannot count whatever its signature (a rejection, an
    /// abstention, another plan, nothing outstanding), so the shell checks no signature for it.
    public func digestToCheck(for vote: Vote) -> [UInt8]? {
        guard vote.decision == .approve, let pending = outstanding, pending.plan.planSeq == vote.planSeq else { return nil }
        return pending.digest
    }
}
