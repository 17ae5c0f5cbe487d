import Foundation

/// Handing inbound entries over to the consumer (`resolve`): conflated topics resolved to their
/// newest frames, the decision path ahead of bulk intake, and the bookkeeping of entries a full
/// stream dropped. Everything here runs under `lock`; the loop thread (`run`) fills what it reads.
extension SocketLoop {
    /// The message to process for an inbound entry: for a conflating socket, the newest frames of
    /// its topic (taken, so the next message of that topic queues a new entry); otherwise as is.
    ///
    /// On a loop that also has conflating sockets (bulk intake: every watcher's state), a message of
    /// any other socket (the decision path: a proposal, a vote, an executor's report) is handed over
    /// at the first entry resolved after it arrived, ahead of conflated entries queued before it;
    /// the entry whose turn it took is resolved at a later turn, when nothing urgent waits. Order
    /// is kept among urgent messages and among conflated entries; every entry still stands for one
    /// message. At 100 venues a proposal otherwise waited behind a verifier's whole backlog of
    /// watcher states (p50 about 100 ms, docs/latency.md).
    ///
    /// Call it once for each entry taken from the stream: `backlog` counts the entries not resolved yet.
    public func resolve(_ inbound: Inbound) -> Inbound {
        lock.withLock { () -> Inbound in
            queued = max(0, queued - 1)
            if let message = urgent.popFirst() {
                // An urgent message goes first; a bulk entry whose turn it takes waits in `deferred`.
                if !inbound.urgentSlot { deferred.append(inbound) }
                return message
            }
            if !inbound.urgentSlot {
                guard !deferred.isEmpty else { return resolvedLocked(inbound) }
                deferred.append(inbound)  // behind the displaced ones, in order
            }
            // An urgent slot whose message went early, or a bulk entry behind displaced ones: the
            // oldest displaced entry (every urgent slot is owed its message or one displaced entry).
            guard let entry = deferred.popFirst() else { return Inbound(handle: inbound.handle, frames: []) }
            return resolvedLocked(entry)
        }
    }

    /// Forgets the message of an entry the full stream dropped. Call under `lock`.
    ///
    /// A conflated topic's newest frames are discarded, so its next message queues a new entry
    /// (kept, they would have marked the topic as queued forever). An urgent slot is owed either
    /// its own message or, when that went early, the entry it displaced: a displaced entry goes
    /// first (bulk intake is refreshed by the next state), else the oldest urgent message. Either
    /// way every entry left in the stream still stands for one message.
    func forgetLocked(_ entry: Inbound) {
        var lost: Inbound? = entry
        if entry.urgentSlot {
            lost = deferred.popFirst()
            if lost == nil { _ = urgent.popFirst() }
        }
        if let key = lost?.conflationKey { newest.removeValue(forKey: key) }
    }

    /// The frames of a bulk entry: a conflated topic's newest (taken), or the entry's own. Call under `lock`.
    private func resolvedLocked(_ inbound: Inbound) -> Inbound {
        guard let key = inbound.conflationKey else { return inbound }
        let frames = newest.removeValue(forKey: key) ?? []
        return Inbound(handle: inbound.handle, frames: frames, peerUserID: inbound.peerUserID, receivedAt: inbound.receivedAt)
    }

    /// Entries waiting in the stream behind the one being handled: a consumer may put off work
    /// that the next messages would redo (planning on one state when newer ones are queued).
    public var backlog: Int { lock.withLock { queued } }

    /// Messages replaced by a newer one of the same topic before they were processed.
    public var conflatedInbound: Int { lock.withLock { conflated } }
}
