import Foundation

/// The loop as the executor of the actors that handle its messages: a role actor whose
/// `unownedExecutor` is the loop runs on the loop thread, between polls. A message taken off a
/// socket resumes the actor on the same thread, the actor's sends are flushed before the next
/// poll, and a durable write it makes blocks this thread (never the cooperative pool): no
/// thread hand-off between the socket and the reply, as in a single-threaded C node.
///
/// Before `start` and once the loop has stopped, jobs run in order on a serial dispatch queue
/// (`offLoop`), so an actor keeps working during set-up and shutdown.
extension SocketLoop: SerialExecutor {
    /// Queues a job for the loop thread (waking it when queued from another thread).
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let onLoop = lock.withLock { () -> Bool in
            guard jobsOnLoop else { return false }
            jobs.append(job)
            if let loopThread, pthread_equal(loopThread, pthread_self()) != 0 { return true }
            wakeLocked()
            return true
        }
        if !onLoop {
            offLoop.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
        }
    }

    /// Whether the caller runs on the loop thread (an actor on this executor, while the loop runs).
    public var isLoopThread: Bool {
        lock.withLock { loopThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    /// Runs the jobs queued so far, in order (on the loop thread).
    func runJobs() {
        let batch = lock.withLock { () -> [UnownedJob] in
            defer { jobs = [] }
            return jobs
        }
        for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
    }

    /// The loop thread is leaving its loop: from now on jobs run on `offLoop`, those still queued first.
    func handOverJobs() {
        let left = lock.withLock { () -> [UnownedJob] in
            jobsOnLoop = false
            loopThread = nil
            defer { jobs = [] }
            return jobs
        }
        for job in left { offLoop.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) } }
    }
}
