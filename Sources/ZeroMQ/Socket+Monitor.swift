import CZeroMQ
import Foundation

extension Socket {
    /// Starts zmq_socket_monitor on an inproc endpoint; returns the PAIR socket (connected) that receives the events.
    ///
    /// Call before bind/connect to see every event. Decode what the PAIR receives with
    /// `MonitorEvent.decode`. Close the returned socket before terminating the context.
    public func monitor(events: MonitorEvent.Kind = .all) throws -> Socket {
        let handle = try liveHandle("zmq_socket_monitor")
        let endpoint = "inproc://zeromq.monitor.\(UUID().uuidString)"
        guard zmq_socket_monitor(handle, endpoint, events.rawValue) == 0 else {
            throw ZMQError.last("zmq_socket_monitor(\(endpoint))")
        }
        let pair = try Socket(context, .pair)
        try pair.connect(endpoint)
        return pair
    }
}
