import CZeroMQ
import Foundation

/// One thread owns every socket of a process and runs zmq_poll with a timeout. Swift tasks reach it without blocking the cooperative pool: send() is thread-safe and never blocks (it enqueues the frames under a lock and wakes the loop through an inproc PAIR socket pair); inbound messages leave through an AsyncStream.
///
/// `@unchecked Sendable`: the registered sockets are touched only by the registering thread
/// before `start` and by the loop thread after it (Thread.start is the hand-off barrier); the
/// outbox, counters, state, stop waiters and the wake socket (used by any thread, one at a time)
/// are guarded by `lock`.
public final class SocketLoop: @unchecked Sendable {
    /// Identifies a socket registered with the loop.
    public struct Handle: Hashable, Sendable {
        /// The registration index.
        public let rawValue: Int

        /// A handle with the given index (a transport other than the loop numbers its sockets the same way).
        public init(rawValue: Int) { self.rawValue = rawValue }
    }

    /// A message received on one of the loop's sockets.
    public struct Inbound: Sendable {
        /// The socket it arrived on.
        public let handle: Handle
        /// Its frames (a ROUTER's first frame is the peer's routing id).
        public let frames: [[UInt8]]
        /// For a conflating socket: the key whose newest message `SocketLoop.resolve` returns.
        public let conflationKey: [UInt8]?
        /// The authenticated `User-Id` of the connection it arrived on (see `Socket.Received`).
        public let peerUserID: String?
        /// When the loop thread took it off its socket (CLOCK_MONOTONIC, ns; 0 when unknown).
        public let receivedAt: UInt64
        /// A place in the stream kept for a message of a socket that does not conflate, on a loop
        /// that also has conflating ones: `resolve` hands over the oldest such message not handed
        /// over yet (see `resolve`).
        let urgentSlot: Bool

        /// A message as a transport delivers it.
        public init(handle: Handle, frames: [[UInt8]], conflationKey: [UInt8]? = nil, peerUserID: String? = nil, receivedAt: UInt64 = 0) {
            self.init(handle: handle, frames: frames, conflationKey: conflationKey, peerUserID: peerUserID, receivedAt: receivedAt, urgentSlot: false)
        }

        init(handle: Handle, frames: [[UInt8]], conflationKey: [UInt8]?, peerUserID: String?, receivedAt: UInt64, urgentSlot: Bool) {
            self.handle = handle
            self.frames = frames
            self.conflationKey = conflationKey
            self.peerUserID = peerUserID
            self.receivedAt = receivedAt
            self.urgentSlot = urgentSlot
        }
    }

    private enum State { case idle, running, stopping, stopped }

    struct Entry {
        let socket: Socket
        let receive: Bool
        let conflate: Bool
        /// For a connecting socket registered with `reconnect:`: its endpoints and monitor.
        var link: (endpoints: [Endpoint], monitor: Socket)?
    }

    /// One endpoint a connecting socket is connected to, and the CURVE server key to set on the
    /// socket before connecting to it again (nil: the socket's one key stays as it is).
    public struct Endpoint: Sendable, Hashable {
        /// The address, as connected (e.g. `tcp://127.0.0.1:7100`).
        public let address: String
        /// The server's CURVE public key, when the socket connects to servers with different keys.
        public let curveServerKey: [UInt8]?

        /// An endpoint and the key its server presents.
        public init(_ address: String, curveServerKey: [UInt8]? = nil) {
            self.address = address
            self.curveServerKey = curveServerKey
        }
    }

    /// How long one zmq_poll waits when the loop has no wake pair, so it notices `stop` promptly.
    static let pollIntervalMs = 50
    /// How long one zmq_poll waits with a wake pair: everything that needs the loop (a send, a
    /// job from another thread, `stop`) wakes it, and a due reconnect shortens the wait, so an
    /// idle process (at 100 venues, 121 of them) does not wake 20 times a second for nothing.
    static let idlePollIntervalMs = 500

    private let context: Context
    private let name: String
    private let inboundCapacity: Int
    let lock = NSLock()
    private let finished = DispatchSemaphore(value: 0)
    private var entries: [Entry] = []
    private var outbox: [(Handle, [[UInt8]])] = []
    private var state = State.idle
    private var linger: Int32 = 500
    private var wakeSender: Socket?
    private var wakePending = false
    private var dropped = 0
    private var failed = 0
    /// Messages replaced by a newer one of their topic before they were resolved.
    var conflated = 0
    /// Entries in the stream not yet taken by `resolve` (`SocketLoop+Resolve.swift`).
    var queued = 0
    private var linkObserver: (@Sendable (LinkEvent) -> Void)?
    /// Newest message per (socket, first frame) of conflating sockets, not yet taken by `resolve`.
    var newest: [[UInt8]: [[UInt8]]] = [:]
    /// On a loop with conflating sockets: messages of the other sockets, oldest first, not handed
    /// over yet; each has an `urgentSlot` entry in the stream, and `resolve` hands them over first.
    var urgent = InboundQueue()
    /// Entries of conflating sockets whose turn an urgent message took, oldest first; each is
    /// resolved at the turn of a later entry.
    var deferred = InboundQueue()
    /// Callers of `shutdown` waiting for the loop to finish.
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []
    /// Contexts `shutdown` asked to terminate once the sockets are closed.
    private var contextsToTerminate: [Context] = []
    /// True once every socket is closed and the contexts asked for are terminated.
    private var isFinished = false
    /// Jobs of the actors this loop is the executor of (`SocketLoop+Executor.swift`), run in
    /// order by the loop thread between polls.
    var jobs: [UnownedJob] = []
    /// Whether jobs run on the loop thread: from `start` until the thread leaves its loop. Before
    /// and after, they run in order on `offLoop`.
    var jobsOnLoop = false
    /// Where jobs run while the loop thread does not run them (a serial queue, off the cooperative pool).
    let offLoop: DispatchQueue
    /// The loop thread, once started: a send or job from it needs no wake.
    var loopThread: pthread_t?

    /// Creates a loop (no thread yet) for sockets of `context`; `name` names the thread.
    public init(context: Context, name: String, inboundCapacity: Int = 10_000) {
        self.context = context
        self.name = name
        self.inboundCapacity = max(1, inboundCapacity)
        offLoop = DispatchQueue(label: "zmq-loop-\(name)-jobs")
    }

    /// Hands a socket to the loop; only before start(). `receive: false` for send-only sockets (PUB, PUSH).
    ///
    /// `conflateByTopic: true` (for SUB sockets carrying full state per topic) keeps only the newest
    /// message per first frame while the consumer is busy: the stream then carries one entry per
    /// topic with news, and `resolve` hands over the newest frames at the moment they are processed.
    @discardableResult
    public func register(_ socket: Socket, receive: Bool, conflateByTopic: Bool = false) -> Handle {
        register(socket, receive: receive, conflateByTopic: conflateByTopic, link: nil)
    }

    /// Hands a connecting socket to the loop, like `register(_:receive:conflateByTopic:)`, and has
    /// the loop watch its monitor events and connect it to `endpoint` again when a connection
    /// drops for good (see `LinkEvent`); only before start().
    @discardableResult
    public func register(_ socket: Socket, receive: Bool, conflateByTopic: Bool = false, reconnect endpoint: String) throws -> Handle {
        try register(socket, receive: receive, conflateByTopic: conflateByTopic, reconnect: [Endpoint(endpoint)])
    }

    /// Hands a socket connected to several endpoints (a SUB hearing many publishers) to the loop,
    /// watching each endpoint's link apart: a link that drops for good is connected again (with
    /// its server's CURVE key set first) and reported with its own endpoint; only before start().
    @discardableResult
    public func register(_ socket: Socket, receive: Bool, conflateByTopic: Bool = false, reconnect endpoints: [Endpoint]) throws -> Handle {
        let monitor = try socket.monitor(events: LinkWatch.events)
        return register(socket, receive: receive, conflateByTopic: conflateByTopic, link: (endpoints, monitor))
    }

    private func register(_ socket: Socket, receive: Bool, conflateByTopic: Bool, link: (endpoints: [Endpoint], monitor: Socket)?) -> Handle {
        lock.withLock {
            precondition(state == .idle, "SocketLoop.register after start()")
            entries.append(Entry(socket: socket, receive: receive, conflate: conflateByTopic, link: link))
            return Handle(rawValue: entries.count - 1)
        }
    }

    /// Calls `observer` (on the loop thread) for every link event of sockets registered with
    /// `reconnect:`; only before start(). The observer must not block.
    public func observeLinks(_ observer: @escaping @Sendable (LinkEvent) -> Void) {
        lock.withLock {
            precondition(state == .idle, "SocketLoop.observeLinks after start()")
            linkObserver = observer
        }
    }

    /// Starts the thread; the stream finishes after stop(). When the consumer is slower than the producers and the buffer is full, the loop keeps the newest messages and counts the drops (droppedInbound).
    ///
    /// A second call returns a stream that is already finished.
    public func start() -> AsyncStream<Inbound> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Inbound.self, bufferingPolicy: .bufferingNewest(inboundCapacity)
        )
        let canStart = lock.withLock { () -> Bool in
            guard state == .idle else { return false }
            state = .running
            jobsOnLoop = true
            return true
        }
        guard canStart else {
            continuation.finish()
            return stream
        }
        // The wake pair only shortens latency; if it cannot be built the poll timeout still
        // bounds how long a queued send waits.
        let wake = Socket.wakePair(in: context, prefix: "zeromq.socketloop.\(name)")
        let wakeReceiver = wake?.receiver
        if let wake { lock.withLock { wakeSender = wake.sender } }
        let box = LoopThreadState(wakeReceiver: wakeReceiver, continuation: continuation)
        let thread = Thread { [self] in run(box) }
        thread.name = "zmq-loop-\(name)"
        thread.start()
        return stream
    }

    /// Thread-safe, never blocks: queues the frames for the loop thread to send (dontWait; a send that would block is counted in failedSends and dropped, it never stalls the loop).
    ///
    /// Frames queued after `stop` are dropped and counted in failedSends.
    public func send(_ frames: [[UInt8]], on handle: Handle) {
        let onLoop = lock.withLock { () -> [Entry]? in
            guard state == .idle || state == .running else {
                failed += 1
                return nil
            }
            outbox.append((handle, frames))
            // From the loop thread itself (an actor it runs): sent at once, after what was queued before.
            if let loopThread, pthread_equal(loopThread, pthread_self()) != 0 { return entries }
            wakeLocked()
            return nil
        }
        if let entries = onLoop { flushOutbox(entries) }
    }

    /// Sends what is queued, closes every socket with `linger` ms, joins the thread, finishes the stream. Idempotent.
    ///
    /// Blocks the caller for at most about one poll interval plus the sends: never call it from a
    /// Swift task (use `shutdown(linger:terminating:)`). Do not call it from the stream's consumer
    /// while that consumer must keep draining for the loop to finish (it does not).
    public func stop(linger: Int32 = 500) {
        if requestStop(linger: linger, terminating: nil, waiter: nil) == .closeUnstarted { closeUnstarted() }
        finished.wait()
        finished.signal()
    }

    /// The awaited `stop`: the loop thread sends what is queued, closes every socket with
    /// `linger` ms, terminates `context` if given (zmq_ctx_term, which also stops its ZAP handler),
    /// finishes the stream, and only then resumes the caller. No thread of the cooperative pool
    /// waits meanwhile. Idempotent; a context given to a later call is terminated too.
    public func shutdown(linger: Int32 = 500, terminating context: Context? = nil) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            switch requestStop(linger: linger, terminating: context, waiter: continuation) {
            case .closeUnstarted:
                let thread = Thread { [self] in closeUnstarted() }
                thread.name = "zmq-loop-\(name)-stop"
                thread.start()
            case .alreadyFinished:
                // The loop is gone: terminate the context off the pool, then resume.
                let thread = Thread {
                    context?.terminate()
                    continuation.resume()
                }
                thread.name = "zmq-loop-\(name)-term"
                thread.start()
            case .waiting:
                break
            }
        }
    }

    private enum StopRequest: Equatable { case closeUnstarted, waiting, alreadyFinished }

    /// Moves the state to stopping (waking the loop), records the context to terminate and the
    /// waiter to resume; says what the caller must do itself.
    private func requestStop(linger: Int32, terminating context: Context?, waiter: CheckedContinuation<Void, Never>?) -> StopRequest {
        lock.withLock {
            if state == .stopped && isFinished { return .alreadyFinished }
            if let waiter { stopWaiters.append(waiter) }
            if let context { contextsToTerminate.append(context) }
            switch state {
            case .idle:
                state = .stopping
                self.linger = linger
                return .closeUnstarted
            case .running:
                state = .stopping
                self.linger = linger
                wakeLocked()
                return .waiting
            case .stopping, .stopped:
                return .waiting
            }
        }
    }

    /// Never started: nothing to send from, just close the sockets and finish (jobs keep running on `offLoop`).
    private func closeUnstarted() {
        let (entries, linger) = lock.withLock { () -> ([Entry], Int32) in
            defer { self.entries = [] }
            return (self.entries, self.linger)
        }
        for entry in entries {
            entry.socket.close(linger: linger)
            entry.link?.monitor.close(linger: 0)
        }
        finish()
    }

    /// Last step of every stop, on the thread that closed the sockets: terminates the contexts
    /// asked for, marks the loop finished, wakes `stop` and resumes the awaiting callers.
    private func finish() {
        lock.withLock { state = .stopped }
        while true {
            let (contexts, waiters) = lock.withLock { () -> ([Context], [CheckedContinuation<Void, Never>]) in
                let contexts = contextsToTerminate
                contextsToTerminate = []
                guard contexts.isEmpty else { return (contexts, []) }
                isFinished = true
                defer { stopWaiters = [] }
                return ([], stopWaiters)
            }
            guard contexts.isEmpty else {
                for context in contexts { context.terminate() }
                continue
            }
            finished.signal()
            for waiter in waiters { waiter.resume() }
            return
        }
    }

    /// Inbound messages discarded because the stream's buffer was full.
    public var droppedInbound: Int { lock.withLock { dropped } }

    /// Queued sends that failed: would block (HWM), unknown ROUTER peer (EHOSTUNREACH), bad handle, or after stop.
    public var failedSends: Int { lock.withLock { failed } }

    /// Pokes the loop out of zmq_poll; coalesced until the loop drains the outbox. Call under `lock`.
    func wakeLocked() {
        guard !wakePending, let wakeSender else { return }
        wakePending = true
        _ = try? wakeSender.send([[]], dontWait: true)
    }

    // MARK: - Loop thread

    /// What only the loop thread touches.
    private final class LoopThreadState: @unchecked Sendable {
        // @unchecked Sendable: created by start() and from then on used only by the loop thread.
        let wakeReceiver: Socket?
        let continuation: AsyncStream<Inbound>.Continuation
        init(wakeReceiver: Socket?, continuation: AsyncStream<Inbound>.Continuation) {
            self.wakeReceiver = wakeReceiver
            self.continuation = continuation
        }
    }

    private func run(_ box: LoopThreadState) {
        let (entries, observer) = lock.withLock { () -> ([Entry], (@Sendable (LinkEvent) -> Void)?) in
            loopThread = pthread_self()
            return (self.entries, linkObserver)
        }
        // Jobs queued before start ran on `offLoop`: let the last of them finish first.
        offLoop.sync {}
        var poller = Poller()
        var polled: [(index: Int, handle: Handle?)] = []
        for (offset, entry) in entries.enumerated() where entry.receive {
            polled.append((poller.add(entry.socket), Handle(rawValue: offset)))
        }
        if let wakeReceiver = box.wakeReceiver { polled.append((poller.add(wakeReceiver), nil)) }
        // Monitors of reconnecting sockets, by poller index; one watch per (socket, endpoint).
        var monitors: [Int: Int] = [:]
        var links: [LinkKey: LinkWatch] = [:]
        for (offset, entry) in entries.enumerated() {
            guard let link = entry.link else { continue }
            monitors[poller.add(link.monitor)] = offset
            for (index, endpoint) in link.endpoints.enumerated() {
                links[LinkKey(offset: offset, endpoint: index)] = LinkWatch(endpoint: endpoint.address)
            }
        }

        let hasConflating = entries.contains { $0.receive && $0.conflate }
        // When the next reconnect of a dropped link is due (uptime ns); nil while every link is up
        // or libzmq reconnects by itself: the links are walked only then, not on every pass.
        var nextLinkCheck: UInt64?
        while true {
            let stopping = lock.withLock { state == .stopping }
            flushOutbox(entries)
            if stopping { break }
            if let due = nextLinkCheck, DispatchTime.now().uptimeNanoseconds >= due {
                checkLinks(&links, entries: entries, observer: observer)
                nextLinkCheck = Self.nextReconnect(links)
            }
            // Jobs waiting (an actor's next step, queued by this thread): poll without waiting.
            let timeout = lock.withLock { jobs.isEmpty } ? Self.pollTimeout(wakes: box.wakeReceiver != nil, nextLinkCheck: nextLinkCheck) : 0
            let ready: [Int]
            do {
                ready = try poller.poll(timeoutMs: timeout)
            } catch {
                break  // ETERM: the context is going away.
            }
            for index in ready {
                if let offset = monitors[index] {
                    readMonitor(of: offset, entries: entries, links: &links, observer: observer)
                    nextLinkCheck = Self.nextReconnect(links)
                    continue
                }
                let target = polled[index]
                if target.handle == nil {
                    while (try? box.wakeReceiver?.receive(dontWait: true)) ?? nil != nil {}
                    continue
                }
                let entry = entries[target.handle!.rawValue]
                // Drain fully: zmq_poll reports edge-like readiness for ZeroMQ sockets.
                while let received = try? entry.socket.receiveMessage(dontWait: true) {
                    let frames = received.frames
                    let receivedAt = DispatchTime.now().uptimeNanoseconds
                    var inbound = Inbound(handle: target.handle!, frames: frames, peerUserID: received.userID, receivedAt: receivedAt)
                    if entry.conflate, let topic = frames.first {
                        let key = withUnsafeBytes(of: Int64(target.handle!.rawValue).bigEndian, Array.init) + topic
                        let alreadyQueued = lock.withLock { () -> Bool in
                            let queued = newest[key] != nil
                            newest[key] = frames
                            if queued { conflated += 1 }
                            return queued
                        }
                        if alreadyQueued { continue }
                        inbound = Inbound(handle: target.handle!, frames: [], conflationKey: key, receivedAt: receivedAt)
                        // Counted before it can be taken, so `resolve` never runs ahead of the count.
                        lock.withLock { queued += 1 }
                    } else if hasConflating {
                        // The decision path (a proposal, a vote, an ack) goes before bulk intake
                        // queued ahead of it: the message waits in `urgent`, its entry keeps a place.
                        lock.withLock {
                            urgent.append(inbound)
                            queued += 1
                        }
                        inbound = Inbound(handle: target.handle!, frames: [], conflationKey: nil, peerUserID: nil, receivedAt: receivedAt, urgentSlot: true)
                    } else {
                        lock.withLock { queued += 1 }
                    }
                    let result = box.continuation.yield(inbound)
                    if case let .dropped(oldest) = result {
                        // The oldest entry made room: it will never be resolved, so the message it
                        // stood for goes now (a conflated topic would otherwise never queue again).
                        lock.withLock {
                            dropped += 1
                            queued -= 1
                            forgetLocked(oldest)
                        }
                    }
                    if case .terminated = result { lock.withLock { queued -= 1 } }
                }
            }
            // What arrived is handled here, on this thread, and its answers leave at the top of
            // the next turn: no other thread between the socket and the reply.
            runJobs()
        }
        handOverJobs()

        let linger = lock.withLock { () -> Int32 in
            wakeSender?.close(linger: 0)
            wakeSender = nil
            self.entries = []
            return self.linger
        }
        box.wakeReceiver?.close(linger: 0)
        for entry in entries {
            entry.socket.close(linger: linger)
            entry.link?.monitor.close(linger: 0)
        }
        box.continuation.finish()
        finish()
    }

    /// Sends everything queued so far; failures are counted, never thrown.
    private func flushOutbox(_ entries: [Entry]) {
        let batch = lock.withLock { () -> [(Handle, [[UInt8]])] in
            defer {
                outbox = []
                wakePending = false
            }
            return outbox
        }
        var failures = 0
        for (handle, frames) in batch {
            guard entries.indices.contains(handle.rawValue),
                  (try? entries[handle.rawValue].socket.send(frames, dontWait: true)) == true
            else {
                failures += 1
                continue
            }
        }
        if failures > 0 { lock.withLock { failed += failures } }
    }
}
