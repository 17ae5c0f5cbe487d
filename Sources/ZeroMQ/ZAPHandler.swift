import CZeroMQ
import Foundation

/// ZAP handler (RFC 27) on inproc://zeromq.zap.01: one per context, its own thread with a REP socket, admits only CURVE clients whose public key is in `allowedKeys` (status 200, user id = Z85 of the key), refuses everything else with 400 (including NULL/PLAIN mechanisms on a domain it guards). Calls onDecision for every request (from its own thread) so the caller can log/count accepts and refusals with the peer's address.
///
/// The socket is a ROUTER, which speaks to libzmq's REQ-style ZAP client exactly as REP would.
/// `@unchecked Sendable`: the socket is bound by `init` and then used only by the handler thread
/// until `stop` has joined it; the key set and the state flags are guarded by `lock`.
public final class ZAPHandler: @unchecked Sendable {
    /// One authentication request and what the handler answered.
    public struct Decision: Sendable, Hashable {
        /// The peer's address (e.g. "127.0.0.1").
        public let address: String
        /// The ZAP domain of the server socket.
        public let domain: String
        /// "NULL", "PLAIN" or "CURVE".
        public let mechanism: String
        /// The client's raw 32-byte CURVE public key; empty for other mechanisms.
        public let publicKey: [UInt8]
        /// True when the client was admitted (status 200).
        public let allowed: Bool
    }

    /// The endpoint libzmq sends ZAP requests to.
    public static let endpoint = "inproc://zeromq.zap.01"

    private let context: Context
    private let onDecision: @Sendable (Decision) -> Void
    private let socket: Socket
    private let lock = NSLock()
    private let finished = DispatchSemaphore(value: 0)
    private var keys: Set<[UInt8]>
    private var stopping = false
    /// An inproc pair that wakes the thread for `stop`, so it sleeps in `zmq_poll` until a request
    /// or the stop arrives instead of waking ten times a second to look (nil if it could not be
    /// built: then it looks every 100 ms). The sender is used once, by the first `stop`; the
    /// receiver only by the handler thread; both are closed by `stop` after the thread is done.
    private let wakeSender: Socket?
    private let wakeReceiver: Socket?

    /// Binds inproc://zeromq.zap.01 in `context` and starts the handler thread; throws if the context already has one.
    public init(
        context: Context,
        allowedKeys: Set<[UInt8]>,
        onDecision: @escaping @Sendable (Decision) -> Void = { _ in }
    ) throws {
        self.context = context
        self.onDecision = onDecision
        self.keys = allowedKeys
        let socket = try Socket(context, .router)
        try socket.setLinger(0)
        try socket.bind(Self.endpoint)
        self.socket = socket
        let wake = Socket.wakePair(in: context, prefix: "zeromq.zap.wake")
        wakeSender = wake?.sender
        wakeReceiver = wake?.receiver
        do {
            try context.attach(self)
        } catch {
            socket.close()
            wakeSender?.close(linger: 0)
            wakeReceiver?.close(linger: 0)
            throw error
        }
        let thread = Thread { [self] in run() }
        thread.name = "zmq-zap"
        thread.start()
    }

    /// The public keys currently admitted.
    public var allowedKeys: Set<[UInt8]> {
        get { lock.withLock { keys } }
        set { lock.withLock { keys = newValue } }
    }

    /// Stops the thread, closes the socket (linger 0) and detaches from the context. Idempotent.
    ///
    /// Once stopped, CURVE servers of this context refuse every client where libzmq accepts
    /// ZMQ_ZAP_ENFORCE_DOMAIN (which `makeCurveServer` sets; Debian's 4.3.4 does), but a libzmq
    /// built without the draft API admits anyone: stop only after closing the CURVE servers.
    public func stop() {
        let wasStopping = lock.withLock { () -> Bool in
            defer { stopping = true }
            return stopping
        }
        if wasStopping {
            // Another caller is stopping; wait for it and pass the signal on.
            finished.wait()
            finished.signal()
            return
        }
        _ = try? wakeSender?.send([[]], dontWait: true)
        finished.wait()
        // Unbinding inproc is synchronous, unlike close, so a new handler can bind at once.
        try? socket.unbind(Self.endpoint)
        socket.close(linger: 0)
        wakeSender?.close(linger: 0)
        wakeReceiver?.close(linger: 0)
        context.detach(self)
        finished.signal()
    }

    private func run() {
        var poller = Poller()
        poller.add(socket)
        if let wakeReceiver { poller.add(wakeReceiver) }
        let timeout = wakeReceiver == nil ? 100 : -1
        while !lock.withLock({ stopping }) {
            do {
                guard try !poller.poll(timeoutMs: timeout).isEmpty else { continue }
                while let frames = try socket.receive(dontWait: true) {
                    handle(frames)
                }
            } catch {
                // ETERM or a closed socket: nothing more will arrive.
                break
            }
        }
        finished.signal()
    }

    /// Answers one ROUTER message: routing id, empty delimiter, then the ZAP request.
    private func handle(_ frames: [[UInt8]]) {
        guard let delimiter = frames.firstIndex(where: \.isEmpty), delimiter > 0 else { return }
        let envelope = Array(frames[...delimiter])
        let request = Array(frames[(delimiter + 1)...])
        guard let (reply, decision) = ZAPProtocol.respond(to: request, allowedKeys: allowedKeys) else { return }
        _ = try? socket.send(envelope + reply, dontWait: true)
        onDecision(decision)
    }
}
