import CZeroMQ
import Foundation

extension Socket {
    /// Subscribes a SUB socket to messages whose first frame starts with `prefix` (empty: everything).
    public func subscribe(_ prefix: [UInt8] = []) throws {
        try setOption(ZMQ_SUBSCRIBE, bytes: prefix, name: "ZMQ_SUBSCRIBE")
    }

    /// Subscribes a SUB socket to messages whose first frame starts with the UTF-8 of `prefix`.
    public func subscribe(_ prefix: String) throws {
        try subscribe(Array(prefix.utf8))
    }

    /// Removes a subscription made with `subscribe`.
    public func unsubscribe(_ prefix: [UInt8] = []) throws {
        try setOption(ZMQ_UNSUBSCRIBE, bytes: prefix, name: "ZMQ_UNSUBSCRIBE")
    }

    /// ZMQ_SNDHWM: messages queued per peer before sends block or drop. Set before bind/connect.
    public func setSendHighWaterMark(_ n: Int32) throws {
        try setOption(ZMQ_SNDHWM, n, name: "ZMQ_SNDHWM")
    }

    /// ZMQ_RCVHWM: messages queued per peer on the receiving side. Set before bind/connect.
    public func setReceiveHighWaterMark(_ n: Int32) throws {
        try setOption(ZMQ_RCVHWM, n, name: "ZMQ_RCVHWM")
    }

    /// ZMQ_LINGER: how long, in ms, unsent messages outlive `close` (-1 forever, 0 discard).
    public func setLinger(_ ms: Int32) throws {
        try setOption(ZMQ_LINGER, ms, name: "ZMQ_LINGER")
    }

    /// ZMQ_MAXMSGSIZE: a peer sending a larger message is disconnected. Set before bind/connect.
    public func setMaxMessageSize(_ bytes: Int64) throws {
        try setOption(ZMQ_MAXMSGSIZE, bytes, name: "ZMQ_MAXMSGSIZE")
    }

    /// ZMTP heartbeats: PING every `interval` ms, ask the peer to time us out after `ttl` ms,
    /// and drop the connection when no traffic arrives within `timeout` ms.
    public func setHeartbeat(interval: Int32, ttl: Int32, timeout: Int32) throws {
        try setOption(ZMQ_HEARTBEAT_IVL, interval, name: "ZMQ_HEARTBEAT_IVL")
        try setOption(ZMQ_HEARTBEAT_TTL, ttl, name: "ZMQ_HEARTBEAT_TTL")
        try setOption(ZMQ_HEARTBEAT_TIMEOUT, timeout, name: "ZMQ_HEARTBEAT_TIMEOUT")
    }

    /// ZMQ_IMMEDIATE: queue messages only to completed connections.
    public func setImmediate(_ on: Bool) throws {
        try setOption(ZMQ_IMMEDIATE, Int32(on ? 1 : 0), name: "ZMQ_IMMEDIATE")
    }

    /// ZMQ_ROUTING_ID: the identity a ROUTER peer sees for this socket. Set before connect.
    public func setRoutingID(_ id: [UInt8]) throws {
        try setOption(ZMQ_ROUTING_ID, bytes: id, name: "ZMQ_ROUTING_ID")
    }

    /// ZMQ_ROUTER_MANDATORY: a ROUTER send to an unknown peer fails with EHOSTUNREACH instead of vanishing.
    public func setRouterMandatory(_ on: Bool) throws {
        try setOption(ZMQ_ROUTER_MANDATORY, Int32(on ? 1 : 0), name: "ZMQ_ROUTER_MANDATORY")
    }

    /// ZMQ_ROUTER_HANDOVER: a new connection presenting a routing id already in use takes it over
    /// (a restarted peer is reachable at once instead of after the dead connection times out).
    public func setRouterHandover(_ on: Bool) throws {
        try setOption(ZMQ_ROUTER_HANDOVER, Int32(on ? 1 : 0), name: "ZMQ_ROUTER_HANDOVER")
    }

    /// ZMQ_RCVTIMEO: a blocking receive gives up (returns nil) after `ms` (-1 waits forever).
    public func setReceiveTimeout(_ ms: Int32) throws {
        try setOption(ZMQ_RCVTIMEO, ms, name: "ZMQ_RCVTIMEO")
    }

    /// ZMQ_SNDTIMEO: a blocking send gives up (returns false) after `ms` (-1 waits forever).
    public func setSendTimeout(_ ms: Int32) throws {
        try setOption(ZMQ_SNDTIMEO, ms, name: "ZMQ_SNDTIMEO")
    }

    /// ZMQ_LAST_ENDPOINT: the endpoint last bound or connected, with the real port for `tcp://...:*`.
    public var lastEndpoint: String {
        guard let handle else { return "" }
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return "" }
        return String(cBuffer: buffer)
    }

    /// Sets an `int` option.
    func setOption(_ option: Int32, _ value: Int32, name: String) throws {
        try setOption(option, raw: value, name: name)
    }

    /// Sets an `int64_t` option.
    func setOption(_ option: Int32, _ value: Int64, name: String) throws {
        try setOption(option, raw: value, name: name)
    }

    /// Sets an integer option whose C size is exactly `MemoryLayout<Value>.size`.
    private func setOption<Value: FixedWidthInteger>(_ option: Int32, raw value: Value, name: String) throws {
        let handle = try liveHandle("zmq_setsockopt(\(name))")
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Value>.size) == 0 else {
            throw ZMQError.last("zmq_setsockopt(\(name))")
        }
    }

    /// Sets a binary or string option.
    func setOption(_ option: Int32, bytes: [UInt8], name: String) throws {
        let handle = try liveHandle("zmq_setsockopt(\(name))")
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw ZMQError.last("zmq_setsockopt(\(name))") }
    }
}
