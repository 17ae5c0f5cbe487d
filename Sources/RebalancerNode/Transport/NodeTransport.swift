import ZeroMQ

/// What a role needs from the network, and nothing more: bind a socket, connect one to a peer
/// (which must authenticate with the peer's key), send frames, and one inbound stream whose
/// messages carry the authenticated identity of the connection they came on.
///
/// Two implementations: `ZeroMQTransport` (CURVE sockets owned by a `SocketLoop` thread) and the
/// test kit's in-memory transport, which carries the same bytes (envelopes stay signed and are
/// checked the same way) and replaces only CURVE by the identity it knows each endpoint has.
/// The socket types and handles are the loop's value types; no implementation but
/// `ZeroMQTransport` touches libzmq.
public protocol NodeTransport: AnyObject, Sendable {
    /// Binds a server socket of `type` on `endpoint`; `receive: false` for send-only sockets (PUB).
    func bind(_ type: SocketType, endpoint: String, receive: Bool) throws -> SocketLoop.Handle

    /// Connects a client socket of `type` to `endpoint`, whose server must hold `serverKey` (the
    /// peer's CURVE public key), with `subscribe` prefixes for a SUB and `routingID` for a DEALER.
    /// `conflate: true` keeps only the newest message per topic while the consumer is busy.
    func connect(_ type: SocketType, endpoint: String, serverKey: [UInt8], subscribe: [String], routingID: String?, conflate: Bool) throws -> SocketLoop.Handle

    /// Connects one SUB socket to every feed in `feeds` (each server holding its own key), with
    /// `subscribe` prefixes: one socket hears many publishers, so a process subscribed to every
    /// watcher polls one socket, not one per watcher. `conflate` as for `connect`.
    func subscribe(to feeds: [SocketLoop.Endpoint], prefixes subscribe: [String], conflate: Bool) throws -> SocketLoop.Handle

    /// Queues frames for sending on a socket; never blocks. A failure is counted, never thrown.
    func send(_ frames: [[UInt8]], on handle: SocketLoop.Handle)

    /// Starts delivering inbound messages; the stream finishes after `stop`.
    func start() -> AsyncStream<SocketLoop.Inbound>

    /// The message to process for an inbound entry (a conflated entry resolves to its topic's newest frames).
    func resolve(_ inbound: SocketLoop.Inbound) -> SocketLoop.Inbound

    /// Sends what is queued, then closes every socket. Idempotent.
    func stop() async

    /// Inbound messages discarded because the consumer fell behind.
    var droppedInbound: Int { get }

    /// Messages replaced by a newer one of the same topic before they were processed.
    var conflatedInbound: Int { get }

    /// Inbound entries waiting behind the one being handled (0 when unknown).
    var backlog: Int { get }
}

extension NodeTransport {
    /// Unknown: 0, so nothing is put off.
    public var backlog: Int { 0 }
}
