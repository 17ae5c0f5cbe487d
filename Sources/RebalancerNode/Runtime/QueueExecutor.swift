import Foundation

/// A serial executor on a dispatch queue of its own: where a role's actor runs when its transport
/// has no socket thread to offer (the test kit's in-memory transport). Off the cooperative pool,
/// so a durable write may block it.
public final class QueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    /// An executor on a new serial queue named `label`.
    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Runs the job on the queue, after those queued before it.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }
}
