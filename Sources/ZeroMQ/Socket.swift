import CZeroMQ
import Foundation

/// A ZeroMQ socket.
///
/// Not thread-safe: owned by one thread at a time (it may be created on one thread and handed to a SocketLoop before start).
public final class Socket {
    /// The pattern this socket was created with.
    public let type: SocketType
    /// The context that created the socket; kept alive for as long as the socket.
    public let context: Context
    /// The raw `void *` socket; nil once closed.
    private(set) var handle: UnsafeMutableRawPointer?

    /// Creates a socket of `type` in `context`.
    public init(_ context: Context, _ type: SocketType) throws {
        guard let handle = zmq_socket(context.handle, type.zmqType) else {
            throw ZMQError.last("zmq_socket(\(type))")
        }
        self.context = context
        self.type = type
        self.handle = handle
    }

    deinit { close(linger: 0) }

    /// The live handle, or `ENOTSOCK` once closed.
    func liveHandle(_ operation: @autoclosure () -> String) throws -> UnsafeMutableRawPointer {
        guard let handle else { throw ZMQError(code: ENOTSOCK, operation: operation()) }
        return handle
    }

    /// Binds to `endpoint`, e.g. `tcp://127.0.0.1:*` (read the port back from `lastEndpoint`).
    public func bind(_ endpoint: String) throws {
        let handle = try liveHandle("zmq_bind(\(endpoint))")
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("zmq_bind(\(endpoint))") }
    }

    /// Connects to `endpoint`; libzmq reconnects on its own when the peer goes away.
    public func connect(_ endpoint: String) throws {
        let handle = try liveHandle("zmq_connect(\(endpoint))")
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("zmq_connect(\(endpoint))") }
    }

    /// Stops listening on `endpoint`.
    public func unbind(_ endpoint: String) throws {
        let handle = try liveHandle("zmq_unbind(\(endpoint))")
        guard zmq_unbind(handle, endpoint) == 0 else { throw ZMQError.last("zmq_unbind(\(endpoint))") }
    }

    /// Disconnects from `endpoint`.
    public func disconnect(_ endpoint: String) throws {
        let handle = try liveHandle("zmq_disconnect(\(endpoint))")
        guard zmq_disconnect(handle, endpoint) == 0 else { throw ZMQError.last("zmq_disconnect(\(endpoint))") }
    }

    /// Closes the socket after setting ZMQ_LINGER to `linger` ms. Idempotent.
    public func close(linger: Int32 = 0) {
        guard let handle else { return }
        var value = linger
        _ = zmq_setsockopt(handle, ZMQ_LINGER, &value, MemoryLayout<Int32>.size)
        zmq_close(handle)
        self.handle = nil
    }

    /// True until `close` is called.
    public var isOpen: Bool { handle != nil }
}
