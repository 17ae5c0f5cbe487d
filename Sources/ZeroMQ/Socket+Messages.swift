import CZeroMQ
import Foundation

extension Socket {
    /// Multipart send. Returns false if it would block (EAGAIN) when dontWait is true.
    ///
    /// Each frame is copied into its own message. libzmq applies the high-water mark to the first
    /// frame only, so either every frame is queued or (on `false`) none is.
    @discardableResult
    public func send(_ frames: [[UInt8]], dontWait: Bool = true) throws -> Bool {
        let handle = try liveHandle("zmq_send")
        let frames = frames.isEmpty ? [[]] : frames
        for (index, frame) in frames.enumerated() {
            let isLast = index == frames.count - 1
            var flags: Int32 = isLast ? 0 : ZMQ_SNDMORE
            // Later frames of a multipart message never block once the first was accepted.
            if dontWait { flags |= ZMQ_DONTWAIT }
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                // errno first: a full queue is routine, and naming the operation costs a string.
                let code = zmq_errno()
                if code == EINTR { continue }
                if code == EAGAIN && index == 0 { return false }
                throw ZMQError(code: code, operation: "zmq_send(\(type))")
            }
        }
        return true
    }

    /// A multipart message and the authenticated identity of the connection it came in on.
    public struct Received: Sendable {
        /// The frames.
        public let frames: [[UInt8]]
        /// The `User-Id` the ZAP handler assigned to the peer's connection (the Z85 of its CURVE
        /// public key here), nil when the connection carries none.
        public let userID: String?
    }

    /// Multipart receive; nil when nothing is ready (dontWait) or the receive timeout expired.
    ///
    /// Bytes are copied out of each heap-allocated `zmq_msg_t` before it is closed, so frames of
    /// any size arrive whole.
    public func receive(dontWait: Bool = true) throws -> [[UInt8]]? {
        try receiveMessage(dontWait: dontWait)?.frames
    }

    /// Multipart receive with the connection's authenticated `User-Id`.
    public func receiveMessage(dontWait: Bool = true) throws -> Received? {
        let handle = try liveHandle("zmq_msg_recv")
        let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        defer { message.deallocate() }
        var frames: [[UInt8]] = []
        var userID: String?
        repeat {
            zmq_msg_init(message)
            defer { zmq_msg_close(message) }
            // Once the first frame is in, the rest of the message is already here.
            let flags: Int32 = (dontWait && frames.isEmpty) ? ZMQ_DONTWAIT : 0
            while zmq_msg_recv(message, handle, flags) < 0 {
                // errno first: every drain of a socket ends in EAGAIN, and naming the operation
                // costs a string built by reflection on every message received.
                let code = zmq_errno()
                if code == EINTR { continue }
                if code == EAGAIN && frames.isEmpty { return nil }
                throw ZMQError(code: code, operation: "zmq_msg_recv(\(type))")
            }
            // A ROUTER's routing-id frame is made locally and carries no metadata; the wire frames do.
            if userID == nil, let property = zmq_msg_gets(message, "User-Id") {
                let value = String(cString: property)
                if !value.isEmpty { userID = value }
            }
            let size = zmq_msg_size(message)
            if size == 0 {
                frames.append([])
            } else {
                let data = zmq_msg_data(message)!.assumingMemoryBound(to: UInt8.self)
                frames.append(Array(UnsafeBufferPointer(start: data, count: size)))
            }
            if zmq_msg_more(message) == 0 { break }
        } while true
        return Received(frames: frames, userID: userID)
    }
}
