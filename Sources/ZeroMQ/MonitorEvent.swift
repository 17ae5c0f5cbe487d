import CZeroMQ

/// One event from `zmq_socket_monitor`: what happened, its value (fd, errno, ZAP status...) and the endpoint.
public struct MonitorEvent: Sendable, Hashable, CustomStringConvertible {
    /// A set of monitor event kinds (the `ZMQ_EVENT_*` bits).
    public struct Kind: OptionSet, Sendable, Hashable {
        /// The `ZMQ_EVENT_*` bit mask.
        public let rawValue: Int32
        /// Creates a set from a `ZMQ_EVENT_*` mask.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// A connection was established (value: fd).
        public static let connected = Kind(rawValue: ZMQ_EVENT_CONNECTED)
        /// A connect is pending (value: errno).
        public static let connectDelayed = Kind(rawValue: ZMQ_EVENT_CONNECT_DELAYED)
        /// A connect is being retried (value: reconnect interval ms).
        public static let connectRetried = Kind(rawValue: ZMQ_EVENT_CONNECT_RETRIED)
        /// The socket listens (value: fd).
        public static let listening = Kind(rawValue: ZMQ_EVENT_LISTENING)
        /// Bind failed (value: errno).
        public static let bindFailed = Kind(rawValue: ZMQ_EVENT_BIND_FAILED)
        /// A connection was accepted (value: fd).
        public static let accepted = Kind(rawValue: ZMQ_EVENT_ACCEPTED)
        /// Accept failed (value: errno).
        public static let acceptFailed = Kind(rawValue: ZMQ_EVENT_ACCEPT_FAILED)
        /// A connection was closed (value: fd).
        public static let closed = Kind(rawValue: ZMQ_EVENT_CLOSED)
        /// Close failed (value: errno).
        public static let closeFailed = Kind(rawValue: ZMQ_EVENT_CLOSE_FAILED)
        /// A session was broken (value: fd).
        public static let disconnected = Kind(rawValue: ZMQ_EVENT_DISCONNECTED)
        /// The monitor stopped.
        public static let monitorStopped = Kind(rawValue: ZMQ_EVENT_MONITOR_STOPPED)
        /// A handshake failed without details (value: errno).
        public static let handshakeFailedNoDetail = Kind(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
        /// A handshake succeeded.
        public static let handshakeSucceeded = Kind(rawValue: ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
        /// A handshake broke the protocol (value: ZMQ_PROTOCOL_ERROR_*).
        public static let handshakeFailedProtocol = Kind(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
        /// Authentication was refused (value: ZAP status code, e.g. 400).
        public static let handshakeFailedAuth = Kind(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        /// Every event of monitor protocol version 1.
        public static let all = Kind(rawValue: ZMQ_EVENT_ALL)

        /// Every named kind with its libzmq name (without the `ZMQ_EVENT_` prefix).
        static let names: [(Kind, String)] = [
            (.connected, "CONNECTED"), (.connectDelayed, "CONNECT_DELAYED"),
            (.connectRetried, "CONNECT_RETRIED"), (.listening, "LISTENING"),
            (.bindFailed, "BIND_FAILED"), (.accepted, "ACCEPTED"),
            (.acceptFailed, "ACCEPT_FAILED"), (.closed, "CLOSED"),
            (.closeFailed, "CLOSE_FAILED"), (.disconnected, "DISCONNECTED"),
            (.monitorStopped, "MONITOR_STOPPED"),
            (.handshakeFailedNoDetail, "HANDSHAKE_FAILED_NO_DETAIL"),
            (.handshakeSucceeded, "HANDSHAKE_SUCCEEDED"),
            (.handshakeFailedProtocol, "HANDSHAKE_FAILED_PROTOCOL"),
            (.handshakeFailedAuth, "HANDSHAKE_FAILED_AUTH"),
        ]
    }

    /// The `ZMQ_EVENT_*` value (a single bit).
    public let event: Int32
    /// The event's value: an fd, an errno, a ZAP status code or an interval, depending on the event.
    public let value: UInt32
    /// The endpoint the event concerns.
    public let address: String

    /// Creates an event.
    public init(event: Int32, value: UInt32, address: String) {
        self.event = event
        self.value = value
        self.address = address
    }

    /// The event as a `Kind`.
    public var kind: Kind { Kind(rawValue: event) }

    /// The libzmq name without prefix, e.g. "HANDSHAKE_FAILED_AUTH" (or "UNKNOWN(0x...)").
    public var name: String {
        Kind.names.first { $0.0.rawValue == event }?.1 ?? "UNKNOWN(0x\(String(event, radix: 16)))"
    }

    /// `name value address`.
    public var description: String { "\(name) \(value) \(address)" }

    /// Decodes the two frames of a version-1 monitor message: 16-bit event + 32-bit value (native
    /// byte order), then the endpoint. Nil for anything else.
    public static func decode(_ frames: [[UInt8]]) -> MonitorEvent? {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let header = frames[0]
        let event = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt16.self) }
        let value = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self) }
        return MonitorEvent(event: Int32(event), value: value, address: String(decoding: frames[1], as: UTF8.self))
    }
}
