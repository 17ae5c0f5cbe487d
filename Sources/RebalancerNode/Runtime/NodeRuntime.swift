import Foundation
import Logging
import RebalancerCore
import RebalancerWire
import SwiftProtobuf
import ZeroMQ

/// Everything one process needs to talk: its identity and keys, the topology, and the transport
/// that carries its messages (`ZeroMQTransport` in a node: one ZeroMQ context with a ZAP handler
/// that admits only the topology's CURVE keys, CURVE on every socket, a maximum message size on
/// every receiving socket; the test kit's in-memory transport in role tests).
///
/// `@unchecked Sendable`: `names` is written only while sockets are set up, before the transport
/// starts, and read-only afterwards; `lag` is guarded by `lagLock`; everything else is immutable.
public final class NodeRuntime: @unchecked Sendable {
    /// Largest frame any socket accepts; larger messages are dropped by libzmq before they reach us.
    public static let maxMessageSize: Int64 = ZeroMQTransport.maxMessageSize
    /// Send and receive high-water marks: queues are bounded everywhere.
    public static let highWaterMark: Int32 = ZeroMQTransport.highWaterMark

    /// The deployment's policy (what the role cores decide by).
    public let topology: Topology
    /// The deployment: the policy plus endpoints, key paths, the simulated market and coordination.
    public let deployment: Deployment
    /// This process's node.
    public let node: Topology.Node
    /// This node's signing key.
    public let signer: SigningKey
    /// Where the node logs.
    public let logger: Logger
    /// The node's metrics.
    public let counters: Counters
    /// Whether this node is ready (`/readyz`): its role says, each tick.
    public let readiness: Readiness
    /// The node's clock.
    public let clock: any NodeClock
    /// What carries the node's messages.
    public let transport: any NodeTransport
    /// Where the role's actor runs (its `unownedExecutor`): the transport's socket thread, or a
    /// serial queue of its own. Never the cooperative pool, so the role may wait for a durable
    /// write in place (`Store.write`) before it sends what the write guards.
    public let executor: any SerialExecutor

    // Written only while sockets are set up, before start(); read-only afterwards.
    private var names: [SocketLoop.Handle: String] = [:]
    private let lagLock = NSLock()
    // Guarded by lagLock.
    private var lag: SubscriberLag

    /// Sets up a ZeroMQ transport for `node`, with keys loaded by the caller, whose ZAP handler
    /// admits only the topology's CURVE keys.
    public convenience init(topology: Deployment, node: Topology.Node, signer: SigningKey, curvePublic: [UInt8], curveSecret: [UInt8], logger: Logger, clock: any NodeClock = WallClock()) throws {
        let counters = Counters(node: node.id)
        let log = logger
        let link = LinkLog()
        let transport = try ZeroMQTransport(
            name: node.id, domain: topology.id, curvePublic: curvePublic, curveSecret: curveSecret,
            allowedKeys: Set(topology.nodes.map(\.curveKey)),
            onZAP: { decision in
                if decision.allowed {
                    counters.increment("zap.accepted")
                } else {
                    counters.increment("zap.refused")
                    log.warning("refused connection", metadata: [
                        "peer": "\(decision.address)", "mechanism": "\(decision.mechanism)",
                        "key": "\(Z85.encode(decision.publicKey))",
                    ])
                }
            },
            onLink: { event in link.runtime?.linkChanged(event) }
        )
        self.init(topology: topology, node: node, signer: signer, transport: transport, logger: logger, clock: clock, counters: counters)
        link.runtime = self
    }

    /// A runtime for `node` over any transport (the test kit's in-memory one, for example).
    public init(topology: Deployment, node: Topology.Node, signer: SigningKey, transport: any NodeTransport, logger: Logger, clock: any NodeClock = WallClock(), counters: Counters? = nil) {
        self.topology = topology.policy
        self.deployment = topology
        self.node = node
        self.signer = signer
        self.logger = logger
        self.clock = clock
        self.transport = transport
        executor = transport.executor ?? QueueExecutor(label: "role-\(node.id)")
        self.counters = counters ?? Counters(node: node.id)
        lag = SubscriberLag(topology: topology.policy)
        readiness = Readiness(ready: node.role == .venues || node.role == .monitor, reason: "starting")
    }

    /// Where the ZeroMQ transport's link events find the runtime built around it.
    ///
    /// `@unchecked Sendable`: `runtime` is set once, by the initialiser, before the loop starts
    /// (and so before any link event); the loop thread only reads it afterwards.
    private final class LinkLog: @unchecked Sendable {
        weak var runtime: NodeRuntime?
    }

    /// Counts and logs a connecting socket's link event, naming the peer and its endpoint:
    /// `links.dropped`, `links.reconnects`, `links.restored`.
    fileprivate func linkChanged(_ event: SocketLoop.LinkEvent) {
        let metadata: Logger.Metadata = ["socket": "\(name(of: event.handle))", "endpoint": "\(event.endpoint)"]
        switch event.kind {
        case let .dropped(reason):
            counters.increment("links.dropped")
            logger.warning("connection dropped and not reconnecting by itself; reconnecting", metadata: metadata.merging(["event": "\(reason)"]) { $1 })
        case let .reconnecting(attempt):
            counters.increment("links.reconnects")
            logger.notice("reconnecting", metadata: metadata.merging(["attempt": "\(attempt)"]) { $1 })
        case .restored:
            counters.increment("links.restored")
            logger.notice("connection restored", metadata: metadata)
        }
    }

    /// Binds a server socket on this node's endpoint `name`.
    @discardableResult
    public func bind(_ type: SocketType, endpoint name: String, receive: Bool) throws -> SocketLoop.Handle {
        guard let endpoint = deployment.endpoints(of: node.id)[name] else { throw RuntimeError.missingEndpoint(node: node.id, name: name) }
        let handle: SocketLoop.Handle
        do {
            handle = try transport.bind(type, endpoint: endpoint, receive: receive)
        } catch {
            throw RuntimeError.cannotBind(node: node.id, name: name, endpoint: endpoint, reason: "\(error)")
        }
        names[handle] = "\(name)@\(endpoint)"
        return handle
    }

    /// Connects a client socket to `peer`'s endpoint `name`, which must present the peer's key.
    ///
    /// `conflate: true` keeps only the newest message per topic while this process is busy (for
    /// feeds of full state, never for feeds where every message counts).
    @discardableResult
    public func connect(_ type: SocketType, to peer: Topology.Node, endpoint name: String, subscribe: [String] = [], routingID: String? = nil, conflate: Bool = false) throws -> SocketLoop.Handle {
        guard let endpoint = deployment.endpoints(of: peer.id)[name] else { throw RuntimeError.missingEndpoint(node: peer.id, name: name) }
        let handle = try transport.connect(type, endpoint: endpoint, serverKey: peer.curveKey, subscribe: subscribe, routingID: routingID, conflate: conflate)
        names[handle] = "\(peer.id).\(name)"
        return handle
    }

    /// One SUB socket connected to endpoint `name` of every node in `peers` (each must present its
    /// own key), with `subscribe` prefixes; `conflate` as for `connect`. Where a process hears many
    /// publishers (every watcher), one socket keeps its poll loop short.
    @discardableResult
    public func subscribe(to peers: [Topology.Node], endpoint name: String, subscribe: [String], conflate: Bool = false) throws -> SocketLoop.Handle {
        let feeds = try peers.map { peer -> SocketLoop.Endpoint in
            guard let endpoint = deployment.endpoints(of: peer.id)[name] else { throw RuntimeError.missingEndpoint(node: peer.id, name: name) }
            return SocketLoop.Endpoint(endpoint, curveServerKey: peer.curveKey)
        }
        let handle = try transport.subscribe(to: feeds, prefixes: subscribe, conflate: conflate)
        // Named for what CURVE authenticated: one of these peers, not which one.
        names[handle] = peers.count == 1 ? "\(peers[0].id).\(name)" : "\(peers.first?.role.rawValue ?? "peer")s.\(name)"
        return handle
    }

    /// Starts the socket loop; inbound messages arrive on the stream.
    public func start() -> AsyncStream<SocketLoop.Inbound> { transport.start() }

    /// The name of a socket, for logs.
    public func name(of handle: SocketLoop.Handle) -> String { names[handle] ?? "socket-\(handle.rawValue)" }

    /// Seals a message with this node's key.
    public func seal(_ message: some SwiftProtobuf.Message, type: MessageType) -> Envelope? {
        try? Envelope.seal(message, type: type, sender: node.id, key: signer)
    }

    /// A signed heartbeat carrying this node's counters.
    public func heartbeat(seq: UInt64, lastPlanSeq: UInt64 = 0) -> Envelope? {
        var hb = WireHeartbeat()
        hb.seq = seq
        hb.atNs = clock.now()
        hb.lastPlanSeq = lastPlanSeq
        hb.counters = counters.snapshot
        return seal(hb, type: .heartbeat)
    }

    /// Sends an envelope, with a topic frame first when publishing.
    public func send(_ envelope: Envelope, topic: String? = nil, to identity: [UInt8]? = nil, on handle: SocketLoop.Handle) {
        var frames: [[UInt8]] = []
        if let identity { frames.append(identity) }
        if let topic { frames.append(Array(topic.utf8)) }
        frames.append(envelope.bytes())
        transport.send(frames, on: handle)
    }

    /// Opens an envelope frame; a drop is counted by reason and logged with the connection's
    /// authenticated identity and the claimed sender escaped, never more.
    ///
    /// With `peer` (the connection's authenticated CURVE identity, on sockets this node binds), the
    /// signer must also be the node whose CURVE key authenticated the connection: a node holding
    /// another's signing key but not its transport key gets nothing through.
    public func open(_ bytes: [UInt8], with opener: EnvelopeOpener, from handle: SocketLoop.Handle, peer: String? = nil) -> OpenedEnvelope? {
        switch opener.open(bytes) {
        case let .success(opened):
            if let peer, topology.node(opened.sender).map({ Z85.encode($0.curveKey) }) != peer {
                drop(.transportMismatch, from: handle, sender: opened.sender, type: opened.type, peer: peer)
                return nil
            }
            counters.increment(Self.receivedCounter(opened.type))
            return opened
        case let .failure(reason):
            let envelope = try? Envelope(serializedBytes: bytes)
            drop(reason, from: handle, sender: envelope?.sender, type: envelope?.type, peer: peer)
            return nil
        }
    }

    /// The counter of envelopes received of each type (`rx.stateUpdate`, ...), named once: a
    /// protobuf enum in a string is printed by reflection, and this runs for every message.
    private static let receivedCounters: [Rebalancer_V1_MessageType: String] =
        Dictionary(uniqueKeysWithValues: Rebalancer_V1_MessageType.allCases.map { ($0, "rx.\($0)") })

    static func receivedCounter(_ type: Rebalancer_V1_MessageType) -> String {
        receivedCounters[type] ?? "rx.\(type)"
    }

    /// Opens an envelope frame and decodes its payload as `M`; a payload that does not decode is
    /// dropped as `malformed_payload` (counted and logged), like any other drop.
    public func open<M: SwiftProtobuf.Message>(_ bytes: [UInt8], with opener: EnvelopeOpener, from handle: SocketLoop.Handle, peer: String? = nil, as _: M.Type) -> (OpenedEnvelope, M)? {
        guard let opened = open(bytes, with: opener, from: handle, peer: peer),
              let message = decode(opened, as: M.self, from: handle, peer: peer)
        else { return nil }
        return (opened, message)
    }

    /// Decodes an opened envelope's payload as `M`; a payload that does not decode is dropped as
    /// `malformed_payload` (counted and logged).
    public func decode<M: SwiftProtobuf.Message>(_ opened: OpenedEnvelope, as _: M.Type, from handle: SocketLoop.Handle, peer: String? = nil) -> M? {
        guard let message = opened.decode(M.self) else {
            drop(.malformedPayload, from: handle, sender: opened.sender, type: opened.type, peer: peer)
            return nil
        }
        return message
    }

    /// True, counted and said loudly (at most once a second), when a state observed at
    /// `observedAt` is older than the staleness bound: this subscriber has fallen behind and must
    /// not decide on it (the Suicidal Snail rule); the next fresh state resynchronises it.
    /// Whether it is behind, and whether to say so now, is the core's `SubscriberLag`.
    public func fellBehind(observedAt: Nanos, venue: VenueID) -> Bool {
        let verdict = lagLock.withLock { lag.check(observedAt: observedAt, now: clock.now()) }
        guard case let .behind(lagNs, warn) = verdict else { return false }
        counters.increment("states.lagging")
        if warn {
            logger.error("falling behind: ignoring a state older than the staleness bound", metadata: [
                "venue": "\(venue)", "lag_ms": "\(lagNs / Nanos.perMillisecond)",
            ])
        }
        return true
    }

    /// Counts and logs a dropped message.
    ///
    /// The log names the connection by what authenticated it: `peer` (the CURVE `User-Id` of a
    /// connection to a socket this node binds) as the topology node holding that key, otherwise
    /// the socket, whose server key CURVE checked when this node connected. `sender`, which
    /// nobody may have authenticated yet, is only ever logged escaped and cut (`LogText`); `type`
    /// (the envelope's message type, when the frame was an envelope) is an enum case, `-` if none.
    public func drop(_ reason: DropReason, from handle: SocketLoop.Handle, sender: String? = nil, type: MessageType? = nil, peer: String? = nil) {
        counters.increment("dropped")
        counters.increment("dropped.\(reason.rawValue)")
        logger.warning("dropped message", metadata: [
            "reason": "\(reason.rawValue)", "socket": "\(name(of: handle))", "type": "\(type.map { "\($0)" } ?? "-")",
            "peer": "\(transportIdentity(peer))", "claimed_sender": "\(LogText.quoted(sender))",
        ])
    }

    /// The topology node whose CURVE key is `peer` (a Z85 `User-Id`), for logs.
    private func transportIdentity(_ peer: String?) -> String {
        guard let peer else { return "-" }
        if let node = topology.nodes.first(where: { Z85.encode($0.curveKey) == peer }) { return node.id }
        return "key:\(LogText.untrusted(peer))"
    }

    /// Sends what is queued and closes the transport (every socket with a linger, then the
    /// context and its ZAP handler), awaited, so no thread of the cooperative pool blocks in a
    /// linger or in zmq_ctx_term.
    public func shutdown() async {
        await transport.stop()
    }

    /// Setup failures.
    public enum RuntimeError: Error, CustomStringConvertible {
        /// The topology gives the node no such endpoint.
        case missingEndpoint(node: String, name: String)
        /// The endpoint could not be bound (for example, another process holds the port).
        case cannotBind(node: String, name: String, endpoint: String, reason: String)

        /// A readable description.
        public var description: String {
            switch self {
            case let .missingEndpoint(node, name): "node \(node) has no endpoint '\(name)' in the topology"
            case let .cannotBind(node, name, endpoint, reason):
                "node \(node) cannot bind its '\(name)' endpoint \(endpoint): \(reason); is another process (an earlier run?) still using it?"
            }
        }
    }
}
