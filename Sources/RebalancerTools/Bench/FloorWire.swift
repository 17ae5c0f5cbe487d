import Foundation
import RebalancerWire
import ZeroMQ

/// The floor's minimal pieces: a monotonic clock shared by the processes of one machine, a
/// durable append (write + fsync), CURVE sockets, and the trace of timestamps each message carries
/// in an unsigned last frame.
enum FloorWire {
    /// CLOCK_MONOTONIC in nanoseconds (the same clock in every process of the machine).
    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// An append-only file where each durable step writes its record and fsyncs.
    final class DurableFile {
        private let fd: Int32

        init(path: String) throws {
            fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            guard fd >= 0 else { throw FloorError("cannot open \(path): errno \(errno)") }
        }

        deinit { close(fd) }

        /// Writes `bytes` and returns once they are on disk.
        func append(_ bytes: [UInt8]) throws {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count, fsync(fd) == 0 else { throw FloorError("durable write failed: errno \(errno)") }
        }
    }

    /// A body of `size` bytes that starts with the sample number (so each is distinct).
    static func body(sample: UInt64, size: Int, tag: UInt8) -> [UInt8] {
        var bytes = [UInt8](repeating: tag, count: max(size, 8))
        withUnsafeBytes(of: sample.littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
        return bytes
    }

    /// The sample number a body starts with.
    static func sample(of body: [UInt8]) -> UInt64 {
        guard body.count >= 8 else { return 0 }
        return body.prefix(8).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    /// Timestamps as bytes (little-endian Int64s).
    static func encode(_ trace: [Int64]) -> [UInt8] {
        trace.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    }

    /// Timestamps from bytes.
    static func decode(_ bytes: [UInt8]) -> [Int64] {
        stride(from: 0, to: bytes.count - bytes.count % 8, by: 8).map { start in
            bytes[start..<start + 8].enumerated().reduce(Int64(0)) { $0 | Int64($1.element) << (8 * Int64($1.offset)) }
        }
    }

    /// A CURVE server socket bound to `endpoint`, admitting the plan's keys (the context must carry a ZAP handler).
    static func server(_ context: Context, _ type: SocketType, keys: FloorPlan.Keys, bind endpoint: String) throws -> Socket {
        let socket = try Socket(context, type)
        try socket.setLinger(0)
        try socket.makeCurveServer(secretKey: keys.curveSecret, domain: "floor")
        try socket.bind(endpoint)
        return socket
    }

    /// A CURVE client socket connected to `endpoint` whose server holds `server`'s keys.
    static func client(_ context: Context, _ type: SocketType, keys: FloorPlan.Keys, server: FloorPlan.Keys, connect endpoint: String) throws -> Socket {
        let socket = try Socket(context, type)
        try socket.setLinger(0)
        try socket.makeCurveClient(serverPublicKey: server.curvePublic, publicKey: keys.curvePublic, secretKey: keys.curveSecret)
        try socket.connect(endpoint)
        return socket
    }
}
