import Foundation
import RebalancerNode
import ZeroMQ

/// The network of one in-process test: endpoints by name, the sockets bound and connected to
/// them, and what each transport has received and not yet handed to its role.
///
/// Delivery follows ZeroMQ's patterns as the roles use them: a PUB delivers to every connected SUB
/// whose subscription prefixes the first frame; a DEALER delivers to the ROUTER it connects to,
/// prefixed with its routing id; a ROUTER delivers to the DEALER with the routing id of the first
/// frame (unknown: a failed send, as with `ROUTER_MANDATORY`). In place of CURVE and ZAP: a client
/// reaches a server only if it named the server's key and its own key is admitted, and a bound
/// socket's messages carry the sender's key (Z85) as `peerUserID`, as ZAP's `User-Id` does.
///
/// `@unchecked Sendable`: every mutable property is guarded by `lock`.
public final class MemoryNetwork: @unchecked Sendable {
    struct SocketRef: Hashable {
        let transport: ObjectIdentifier
        let handle: SocketLoop.Handle
    }

    struct Client {
        let ref: SocketRef
        let type: SocketType
        let key: [UInt8]
        let serverKey: [UInt8]
        let subscriptions: [String]
        let routingID: [UInt8]?
    }

    struct Server {
        let ref: SocketRef
        let type: SocketType
        let key: [UInt8]
    }

    let lock = NSLock()
    private var servers: [String: Server] = [:]
    private var clients: [String: [Client]] = [:]
    private var transports: [ObjectIdentifier: MemoryTransport] = [:]
    /// The CURVE keys admitted (the topology's); nil admits every key.
    private let admitted: Set<[UInt8]>?
    /// Pairs of keys cut off from each other (a partition between two nodes), both directions.
    private var cuts: Set<[[UInt8]]> = []

    /// A network admitting `admitted` keys only (nil: any).
    public init(admitted: Set<[UInt8]>? = nil) { self.admitted = admitted }

    /// A transport for a node with CURVE public key `key`.
    public func transport(key: [UInt8], capacity: Int = 10_000) -> MemoryTransport {
        let transport = MemoryTransport(network: self, key: key, capacity: capacity)
        lock.withLock { transports[ObjectIdentifier(transport)] = transport }
        return transport
    }

    /// Messages waiting in any transport.
    public var pending: Int {
        let all = lock.withLock { Array(transports.values) }
        return all.reduce(0) { $0 + $1.pendingCount }
    }

    /// Cuts the nodes with CURVE keys `a` and `b` off from each other, in both directions, as a
    /// network partition between two hosts does: nothing either sends reaches the other, on any
    /// socket, while both still reach every other node.
    public func cut(_ a: [UInt8], _ b: [UInt8]) {
        lock.withLock { cuts.formUnion([[a, b], [b, a]]) }
    }

    /// Heals every cut: each node reaches every other again.
    public func heal() {
        lock.withLock { cuts.removeAll() }
    }

    func bind(_ server: Server, endpoint: String) throws {
        try lock.withLock {
            guard servers[endpoint] == nil else { throw MemoryTransport.TransportError.addressInUse(endpoint) }
            servers[endpoint] = server
        }
    }

    func connect(_ client: Client, endpoint: String) {
        lock.withLock { clients[endpoint, default: []].append(client) }
    }

    /// Forgets every socket of a stopped transport (its endpoints can be bound again: a restart).
    func remove(_ transport: MemoryTransport) {
        let id = ObjectIdentifier(transport)
        lock.withLock {
            servers = servers.filter { $0.value.ref.transport != id }
            clients = clients.mapValues { $0.filter { $0.ref.transport != id } }
            transports[id] = nil
        }
    }

    private func admits(_ client: Client, _ server: Server, cuts: Set<[[UInt8]]>) -> Bool {
        client.serverKey == server.key && (admitted?.contains(client.key) ?? true) && !cuts.contains([client.key, server.key])
    }

    /// Carries one send; false when nothing could take it (a ROUTER's unknown peer).
    func route(_ frames: [[UInt8]], from ref: SocketRef, type: SocketType, endpoint: String, bound: Bool) -> Bool {
        let (server, clientList, me, all) = lock.withLock { (servers[endpoint], clients[endpoint] ?? [], clients[endpoint]?.first { $0.ref == ref }, transports) }
        let cuts = lock.withLock { self.cuts }
        switch (type, bound) {
        case (.pub, true):
            guard let server, server.ref == ref, let topic = frames.first else { return true }
            for client in clientList where client.type == .sub && admits(client, server, cuts: cuts)
                && client.subscriptions.contains(where: { topic.starts(with: Array($0.utf8)) }) {
                all[client.ref.transport]?.deliver(frames, to: client.ref.handle, peer: nil)
            }
            return true
        case (.dealer, false):
            guard let server, let me, admits(me, server, cuts: cuts), server.type == .router else { return true }
            all[server.ref.transport]?.deliver([me.routingID ?? []] + frames, to: server.ref.handle, peer: Z85.encode(me.key))
            return true
        case (.router, true):
            guard let server, let identity = frames.first,
                  let client = clientList.last(where: { $0.routingID == identity && admits($0, server, cuts: cuts) }) else { return false }
            all[client.ref.transport]?.deliver(Array(frames.dropFirst()), to: client.ref.handle, peer: nil)
            return true
        default:
            return true
        }
    }
}
