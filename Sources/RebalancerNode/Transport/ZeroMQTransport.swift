import ZeroMQ

/// The transport over ZeroMQ: one context, a ZAP handler that admits only the given CURVE keys,
/// CURVE on every socket, a maximum message size on every receiving socket, and the `SocketLoop`
/// thread that owns the sockets.
///
/// `@unchecked Sendable`: every stored property is immutable; the context, ZAP handler and loop
/// are thread-safe where used here (sockets are created and configured by the caller before the
/// loop starts, then touched only by the loop thread).
public final class ZeroMQTransport: NodeTransport, @unchecked Sendable {
    /// Largest frame any socket accepts; larger messages are dropped by libzmq before they reach us.
    public static let maxMessageSize: Int64 = 1 << 20
    /// Send and receive high-water marks: queues are bounded everywhere.
    public static let highWaterMark: Int32 = 10_000

    /// The socket loop: the one thread that touches sockets.
    public let loop: SocketLoop
    private let context: Context
    private let zap: ZAPHandler
    private let curve: (publicKey: [UInt8], secretKey: [UInt8])
    private let domain: String

    /// A context for a node with the given CURVE key pair, admitting only `allowedKeys`; `name`
    /// names the loop thread, `domain` is the ZAP domain, `onZAP` sees each decision and `onLink`
    /// each link event of a connecting socket (both on libzmq's threads, must not block).
    public init(name: String, domain: String, curvePublic: [UInt8], curveSecret: [UInt8], allowedKeys: Set<[UInt8]>,
                onZAP: @escaping @Sendable (ZAPHandler.Decision) -> Void, onLink: @escaping @Sendable (SocketLoop.LinkEvent) -> Void) throws {
        context = try Context()
        curve = (curvePublic, curveSecret)
        self.domain = domain
        zap = try ZAPHandler(context: context, allowedKeys: allowedKeys, onDecision: onZAP)
        loop = SocketLoop(context: context, name: name)
        loop.observeLinks(onLink)
    }

    public func bind(_ type: SocketType, endpoint: String, receive: Bool) throws -> SocketLoop.Handle {
        let socket = try Socket(context, type)
        try configure(socket, pings: false)
        try socket.makeCurveServer(secretKey: curve.secretKey, domain: domain)
        try socket.bind(endpoint)
        return loop.register(socket, receive: receive)
    }

    public func connect(_ type: SocketType, endpoint: String, serverKey: [UInt8], subscribe: [String], routingID: String?, conflate: Bool) throws -> SocketLoop.Handle {
        let socket = try Socket(context, type)
        try configure(socket, pings: true)
        if let routingID { try socket.setRoutingID(Array(routingID.utf8)) }
        try socket.makeCurveClient(serverPublicKey: serverKey, publicKey: curve.publicKey, secretKey: curve.secretKey)
        try socket.connect(endpoint)
        for prefix in subscribe { try socket.subscribe(prefix) }
        // Watched for a connection that drops for good (an oversized frame ends a session and
        // libzmq never reconnects it): the loop reconnects and reports it through `onLink`.
        return try loop.register(socket, receive: type != .pub && type != .push, conflateByTopic: conflate, reconnect: endpoint)
    }

    public func subscribe(to feeds: [SocketLoop.Endpoint], prefixes subscribe: [String], conflate: Bool) throws -> SocketLoop.Handle {
        let socket = try Socket(context, .sub)
        try configure(socket, pings: true)
        // libzmq copies the socket's options at each connect: the server key set just before
        // connecting is the one that connection's handshake checks.
        for feed in feeds {
            try socket.makeCurveClient(serverPublicKey: feed.curveServerKey ?? [], publicKey: curve.publicKey, secretKey: curve.secretKey)
            try socket.connect(feed.address)
        }
        for prefix in subscribe { try socket.subscribe(prefix) }
        return try loop.register(socket, receive: true, conflateByTopic: conflate, reconnect: feeds)
    }

    /// Options every socket gets. ZMTP heartbeats are sent by the connecting side only (`pings`):
    /// its PING every second carries a 3 s TTL, after which the binding side drops a connection
    /// it heard nothing on, and it drops the connection itself when no traffic answers within
    /// 3 s. So both ends still detect a dead peer within 3 s, at half the heartbeat traffic of
    /// both ends pinging (at 100 venues, 2,000 watcher connections).
    private func configure(_ socket: Socket, pings: Bool) throws {
        try socket.setMaxMessageSize(Self.maxMessageSize)
        try socket.setSendHighWaterMark(Self.highWaterMark)
        try socket.setReceiveHighWaterMark(Self.highWaterMark)
        try socket.setLinger(500)
        if pings { try socket.setHeartbeat(interval: 1000, ttl: 3000, timeout: 3000) }
        if socket.type == .router {
            try socket.setRouterMandatory(true)
            // A restarted peer takes its routing id back at once; every message is still
            // signature-checked against the id it claims, so a taken-over id forges nothing.
            try socket.setRouterHandover(true)
        }
    }

    public func send(_ frames: [[UInt8]], on handle: SocketLoop.Handle) { loop.send(frames, on: handle) }

    public func start() -> AsyncStream<SocketLoop.Inbound> { loop.start() }

    public func resolve(_ inbound: SocketLoop.Inbound) -> SocketLoop.Inbound { loop.resolve(inbound) }

    /// Sends what is queued, closes every socket with a linger, stops the ZAP handler and the context.
    public func stop() async {
        await loop.shutdown(linger: 500, terminating: context)
    }

    public var droppedInbound: Int { loop.droppedInbound }

    public var conflatedInbound: Int { loop.conflatedInbound }

    public var backlog: Int { loop.backlog }

    /// The socket loop: the role's actor runs on the thread that owns the sockets.
    public var executor: (any SerialExecutor)? { loop }
}
