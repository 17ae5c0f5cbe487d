import Foundation
import RebalancerNode
import ZeroMQ

/// A node's transport on a `MemoryNetwork`: the same frames as over ZeroMQ, delivered in order,
/// in memory. A role test either starts it (an `AsyncStream`, as `RoleService` consumes it) or
/// takes its messages with `take()`, one step at a time (`MemoryCluster` does).
///
/// `@unchecked Sendable`: every mutable property is guarded by `lock`.
public final class MemoryTransport: NodeTransport, @unchecked Sendable {
    /// Setup failures.
    public enum TransportError: Error, CustomStringConvertible {
        /// Another socket is bound on the endpoint.
        case addressInUse(String)

        /// A readable description.
        public var description: String {
            switch self {
            case let .addressInUse(endpoint): "address in use: \(endpoint)"
            }
        }
    }

    private struct Entry {
        let type: SocketType
        let endpoint: String
        let bound: Bool
        let conflate: Bool
    }

    private unowned let network: MemoryNetwork
    /// This node's CURVE public key: its identity on the network.
    public let key: [UInt8]
    private let capacity: Int
    private let lock = NSLock()
    private var entries: [Entry] = []
    private var queue: [SocketLoop.Inbound] = []
    private var continuation: AsyncStream<SocketLoop.Inbound>.Continuation?
    private var stopped = false
    private var dropped = 0
    private var conflated = 0
    private var failed = 0

    init(network: MemoryNetwork, key: [UInt8], capacity: Int) {
        self.network = network
        self.key = key
        self.capacity = capacity
    }

    public func bind(_ type: SocketType, endpoint: String, receive: Bool) throws -> SocketLoop.Handle {
        let handle = lock.withLock { () -> SocketLoop.Handle in
            entries.append(Entry(type: type, endpoint: endpoint, bound: true, conflate: false))
            return SocketLoop.Handle(rawValue: entries.count - 1)
        }
        try network.bind(.init(ref: .init(transport: ObjectIdentifier(self), handle: handle), type: type, key: key), endpoint: endpoint)
        return handle
    }

    public func connect(_ type: SocketType, endpoint: String, serverKey: [UInt8], subscribe: [String], routingID: String?, conflate: Bool) throws -> SocketLoop.Handle {
        let handle = lock.withLock { () -> SocketLoop.Handle in
            entries.append(Entry(type: type, endpoint: endpoint, bound: false, conflate: conflate))
            return SocketLoop.Handle(rawValue: entries.count - 1)
        }
        network.connect(.init(ref: .init(transport: ObjectIdentifier(self), handle: handle), type: type, key: key, serverKey: serverKey,
                              subscriptions: subscribe, routingID: routingID.map { Array($0.utf8) }), endpoint: endpoint)
        return handle
    }

    public func subscribe(to feeds: [SocketLoop.Endpoint], prefixes subscribe: [String], conflate: Bool) throws -> SocketLoop.Handle {
        let handle = lock.withLock { () -> SocketLoop.Handle in
            entries.append(Entry(type: .sub, endpoint: feeds.first?.address ?? "", bound: false, conflate: conflate))
            return SocketLoop.Handle(rawValue: entries.count - 1)
        }
        for feed in feeds {
            network.connect(.init(ref: .init(transport: ObjectIdentifier(self), handle: handle), type: .sub, key: key, serverKey: feed.curveServerKey ?? [],
                                  subscriptions: subscribe, routingID: nil), endpoint: feed.address)
        }
        return handle
    }

    public func send(_ frames: [[UInt8]], on handle: SocketLoop.Handle) {
        let entry = lock.withLock { () -> Entry? in
            guard !stopped, entries.indices.contains(handle.rawValue) else {
                failed += 1
                return nil
            }
            return entries[handle.rawValue]
        }
        guard let entry else { return }
        if !network.route(frames, from: .init(transport: ObjectIdentifier(self), handle: handle), type: entry.type, endpoint: entry.endpoint, bound: entry.bound) {
            lock.withLock { failed += 1 }
        }
    }

    /// Queues one inbound message (a full queue drops it and counts it; a conflating socket keeps
    /// only the newest waiting message of a topic).
    func deliver(_ frames: [[UInt8]], to handle: SocketLoop.Handle, peer: String?) {
        // Above the maximum message size libzmq ends the session and nothing arrives.
        guard !frames.contains(where: { Int64($0.count) > NodeRuntime.maxMessageSize }) else { return }
        let inbound = SocketLoop.Inbound(handle: handle, frames: frames, peerUserID: peer)
        lock.withLock {
            guard !stopped else { return }
            if let continuation {
                if case .dropped = continuation.yield(inbound) { dropped += 1 }
                return
            }
            if entries[handle.rawValue].conflate, let topic = frames.first,
               let index = queue.firstIndex(where: { $0.handle == handle && $0.frames.first == topic }) {
                queue[index] = inbound
                conflated += 1
                return
            }
            guard queue.count < capacity else {
                dropped += 1
                return
            }
            queue.append(inbound)
        }
    }

    /// Takes the messages waiting, oldest first.
    public func take() -> [SocketLoop.Inbound] {
        lock.withLock {
            defer { queue = [] }
            return queue
        }
    }

    /// Messages waiting to be taken.
    public var pendingCount: Int { lock.withLock { queue.count } }

    public func start() -> AsyncStream<SocketLoop.Inbound> {
        let (stream, continuation) = AsyncStream.makeStream(of: SocketLoop.Inbound.self, bufferingPolicy: .bufferingNewest(capacity))
        lock.withLock {
            for inbound in queue { continuation.yield(inbound) }
            queue = []
            self.continuation = continuation
        }
        return stream
    }

    public func resolve(_ inbound: SocketLoop.Inbound) -> SocketLoop.Inbound { inbound }

    /// Closes every socket: nothing more is delivered to it or sent from it, and its endpoints are free.
    public func stop() {
        let continuation = lock.withLock { () -> AsyncStream<SocketLoop.Inbound>.Continuation? in
            stopped = true
            queue = []
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.finish()
        network.remove(self)
    }

    public var droppedInbound: Int { lock.withLock { dropped } }

    public var conflatedInbound: Int { lock.withLock { conflated } }

    /// Sends that found no receiver (a ROUTER's unknown peer) or came after `stop`.
    public var failedSends: Int { lock.withLock { failed } }
}
