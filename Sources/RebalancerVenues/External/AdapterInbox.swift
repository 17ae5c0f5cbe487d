import Foundation

/// What became of one request: a reply, or a failure of the host side (timeout, child gone).
public enum AdapterOutcome: Sendable {
    /// The adapter answered.
    case reply(AdapterReply)
    /// No answer: the typed reason.
    case failure(VenueError)
}

/// Requests waiting for their reply, matched by id. The reader thread delivers lines, timers
/// and the exit handler fail requests; whichever comes first resumes the waiter, once.
///
/// `@unchecked Sendable`: every stored property is read and written only under `lock`.
final class AdapterInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: [Int: CheckedContinuation<AdapterOutcome, Never>] = [:]
    private var waitingForNullID: [CheckedContinuation<AdapterOutcome, Never>] = []
    private var closedReason: VenueError?
    private var malformed = 0
    private var unmatched = 0

    /// Lines that were not a well-formed reply (dropped).
    var malformedLines: Int { lock.withLock { malformed } }
    /// Well-formed replies to no waiting request (dropped).
    var unmatchedReplies: Int { lock.withLock { unmatched } }
    /// Why the child is gone, once it is.
    var closed: VenueError? { lock.withLock { closedReason } }

    /// Waits for the reply to `id` (nil: the next reply with a null id).
    func register(_ id: Int?, _ continuation: CheckedContinuation<AdapterOutcome, Never>) {
        let failure: VenueError? = lock.withLock {
            if let closedReason { return closedReason }
            if let id { waiting[id] = continuation } else { waitingForNullID.append(continuation) }
            return nil
        }
        if let failure { continuation.resume(returning: .failure(failure)) }
    }

    /// Routes one line from the child's stdout.
    func deliver(_ line: Data) {
        guard let reply = AdapterReply(line: line) else {
            lock.withLock { malformed += 1 }
            return
        }
        let continuation: CheckedContinuation<AdapterOutcome, Never>? = lock.withLock {
            let found: CheckedContinuation<AdapterOutcome, Never>?
            if let id = reply.id {
                found = waiting.removeValue(forKey: id)
            } else {
                found = waitingForNullID.isEmpty ? nil : waitingForNullID.removeFirst()
            }
            if found == nil { unmatched += 1 }
            return found
        }
        continuation?.resume(returning: .reply(reply))
    }

    /// A line longer than the limit, dropped.
    func dropOversized() { lock.withLock { malformed += 1 } }

    /// Fails request `id` if it is still waiting (a timeout).
    func fail(_ id: Int, _ error: VenueError) {
        lock.withLock { waiting.removeValue(forKey: id) }?.resume(returning: .failure(error))
    }

    /// Fails the oldest waiter for a null-id reply (its timeout).
    func failNullID(_ error: VenueError) {
        let continuation: CheckedContinuation<AdapterOutcome, Never>? = lock.withLock {
            waitingForNullID.isEmpty ? nil : waitingForNullID.removeFirst()
        }
        continuation?.resume(returning: .failure(error))
    }

    /// The child is gone: fails everything waiting and everything registered later.
    func close(_ reason: VenueError) {
        let all: [CheckedContinuation<AdapterOutcome, Never>] = lock.withLock {
            guard closedReason == nil else { return [] }
            closedReason = reason
            let all = Array(waiting.values) + waitingForNullID
            waiting = [:]
            waitingForNullID = []
            return all
        }
        for continuation in all { continuation.resume(returning: .failure(reason)) }
    }
}
