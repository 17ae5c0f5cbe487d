import CZeroMQ
import Foundation

/// A libzmq context: owns the I/O threads and the inproc namespace shared by its sockets.
///
/// `@unchecked Sendable`: libzmq contexts are thread-safe, and the only Swift state (the ZAP
/// handler slot and the terminated flag) is guarded by `lock`.
public final class Context: @unchecked Sendable {
    /// The raw `void *` context.
    let handle: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var zapHandler: ZAPHandler?
    private var terminated = false

    /// Creates a context with `ioThreads` background I/O threads.
    public init(ioThreads: Int32 = 1) throws {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        if zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads) != 0 {
            let error = ZMQError.last("zmq_ctx_set(ZMQ_IO_THREADS)")
            zmq_ctx_term(handle)
            throw error
        }
        self.handle = handle
    }

    deinit {
        // Every Socket keeps its context alive, so no socket of ours is open here.
        if !terminated { Context.term(handle) }
    }

    /// Terminates the context (zmq_ctx_term); call after every socket is closed. Stops the ZAP handler if any.
    ///
    /// Blocks until every socket is closed and their linger periods have run out. Idempotent.
    public func terminate() {
        let (zap, alreadyTerminated) = lock.withLock { () -> (ZAPHandler?, Bool) in
            defer { terminated = true }
            return (zapHandler, terminated)
        }
        zap?.stop()
        if !alreadyTerminated { Context.term(handle) }
    }

    /// True once a ZAPHandler is running on this context.
    public var hasZAPHandler: Bool { lock.withLock { zapHandler != nil } }

    /// Records the running ZAP handler; throws if another one is already attached.
    func attach(_ handler: ZAPHandler) throws {
        try lock.withLock {
            guard !terminated else { throw ZMQError(code: ETERM, operation: "ZAPHandler on a terminated context") }
            guard zapHandler == nil else { throw ZMQError(code: EADDRINUSE, operation: "second ZAPHandler on one context") }
            zapHandler = handler
        }
    }

    /// Forgets `handler` once it has stopped.
    func detach(_ handler: ZAPHandler) {
        lock.withLock { if zapHandler === handler { zapHandler = nil } }
    }

    private static func term(_ handle: UnsafeMutableRawPointer) {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}
