import CZeroMQ
import Foundation

/// What a `Poller` waits for on a socket.
public struct PollEvents: OptionSet, Sendable, Hashable {
    /// The `ZMQ_POLLIN` / `ZMQ_POLLOUT` bits.
    public let rawValue: Int16
    /// Creates a set from `ZMQ_POLL*` bits.
    public init(rawValue: Int16) { self.rawValue = rawValue }
    /// A message can be received.
    public static let readable = PollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// A message can be sent without blocking.
    public static let writable = PollEvents(rawValue: Int16(ZMQ_POLLOUT))
}

/// Waits on several sockets at once with `zmq_poll`. Holds its sockets alive; use from their owning thread.
public struct Poller {
    private var items: [zmq_pollitem_t] = []
    private var sockets: [Socket] = []

    /// Creates an empty poller.
    public init() {}

    /// Adds `socket` and returns its index, the number `poll` reports when it is ready.
    @discardableResult
    public mutating func add(_ socket: Socket, events: PollEvents = .readable) -> Int {
        sockets.append(socket)
        items.append(zmq_pollitem_t(socket: socket.handle, fd: 0, events: events.rawValue, revents: 0))
        return items.count - 1
    }

    /// Waits up to `timeoutMs` (-1: forever, 0: just look) and returns the indexes of ready sockets.
    /// An interrupted wait (EINTR) is resumed for the time left.
    public func poll(timeoutMs: Int) throws -> [Int] {
        var items = self.items
        for index in items.indices where sockets[index].handle == nil {
            throw ZMQError(code: ENOTSOCK, operation: "zmq_poll on a closed socket")
        }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(timeoutMs, 0)) * 1_000_000
        var timeout = timeoutMs
        while true {
            let rc = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32($0.count), timeout) }
            if rc >= 0 { break }
            let error = ZMQError.last("zmq_poll")
            guard error.code == EINTR else { throw error }
            if timeoutMs > 0 {
                let now = DispatchTime.now().uptimeNanoseconds
                timeout = now >= deadline ? 0 : Int((deadline - now) / 1_000_000)
            }
        }
        return items.indices.filter { items[$0].revents & items[$0].events != 0 }
    }
}
