import Foundation
import Synchronization

/// A child process's exit for the test harness, recorded by its termination handler (set before
/// `run()`), so waiting for it has a deadline and never spins.
final class ProcessExit: Sendable {
    private let exited = DispatchSemaphore(value: 0)

    /// Watches `process`; call before `process.run()`.
    init(_ process: Process) {
        let exited = exited
        process.terminationHandler = { _ in exited.signal() }
    }

    /// True once the process has exited.
    var hasExited: Bool { wait(seconds: 0) }

    /// Waits up to `seconds` for the exit; true if it happened.
    @discardableResult
    func wait(seconds: Double = .infinity) -> Bool {
        let timeout: DispatchTime = seconds.isFinite ? .now() + seconds : .distantFuture
        guard exited.wait(timeout: timeout) == .success else { return false }
        exited.signal()  // for the next waiter
        return true
    }
}

/// Reads a pipe to its end on a thread of its own, so the reader never decides when the
/// writer's deadline fires.
final class PipeDrain: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let data = Mutex(Data())

    /// Starts reading `handle` until end of file.
    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while case let chunk = handle.availableData, !chunk.isEmpty { data.withLock { $0.append(chunk) } }
            done.signal()
        }
        thread.start()
    }

    /// What was read, once the pipe has ended or `seconds` have passed.
    func text(waitingUpTo seconds: Double) -> String {
        if done.wait(timeout: .now() + seconds) == .success { done.signal() }
        return String(decoding: data.withLock { $0 }, as: UTF8.self)
    }
}
