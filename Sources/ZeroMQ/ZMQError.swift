import CZeroMQ
import Foundation

/// An error reported by libzmq (or by this wrapper refusing an unsafe configuration).
public struct ZMQError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The errno value (libzmq uses errno codes, plus its own such as `ETERM`).
    public let code: Int32
    /// The operation that failed, e.g. `"zmq_bind(tcp://127.0.0.1:*)"`.
    public let operation: String

    /// Creates an error for `operation` with errno `code`.
    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The operation followed by libzmq's text for the code (`zmq_strerror`).
    public var description: String {
        "\(operation): \(String(cString: zmq_strerror(code))) (errno \(code))"
    }

    /// True when the call would have blocked (`EAGAIN`).
    public var wouldBlock: Bool { code == EAGAIN }

    /// True when the peer is unknown to a ROUTER with ROUTER_MANDATORY (`EHOSTUNREACH`).
    public var hostUnreachable: Bool { code == EHOSTUNREACH }

    /// The error libzmq just reported on this thread (`zmq_errno`).
    static func last(_ operation: @autoclosure () -> String) -> ZMQError {
        ZMQError(code: zmq_errno(), operation: operation())
    }
}
