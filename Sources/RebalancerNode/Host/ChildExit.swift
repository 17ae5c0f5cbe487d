import Synchronization

/// A child process's exit: recorded once by its termination handler (on a Foundation thread),
/// awaited by any number of tasks without blocking a thread. A wait can end early by a timeout
/// or by cancellation, and then returns nil.
final class ChildExit: Sendable {
    private struct State {
        var status: Int32?
        var waiters: [Int: CheckedContinuation<Int32?, Never>] = [:]
        /// Waits cancelled before their continuation was registered.
        var cancelled: Set<Int> = []
        var nextID = 0
    }

    private let state = Mutex(State())

    /// A watch for a child that has not exited yet.
    init() {}

    /// The exit status, or nil while the child runs.
    var status: Int32? { state.withLock { $0.status } }

    /// Records the exit status and resumes every waiter; later calls are ignored.
    func record(_ status: Int32) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int32?, Never>] in
            guard state.status == nil else { return [] }
            state.status = status
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    /// The exit status once the child has exited; nil if the task is cancelled first.
    func wait() async -> Int32? {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int32?, Never>) in
                let settled = state.withLock { state -> Int32?? in
                    if let status = state.status { return .some(status) }
                    if state.cancelled.remove(id) != nil { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let settled { continuation.resume(returning: settled) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Int32?, Never>? in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    if state.status == nil { state.cancelled.insert(id) }
                    return nil
                }
                return waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// The exit status if the child exits within `timeout`, else nil.
    func wait(upTo timeout: Duration) async -> Int32? {
        await withTaskGroup(of: Int32?.self) { group in
            group.addTask { await self.wait() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? status
        }
    }
}
