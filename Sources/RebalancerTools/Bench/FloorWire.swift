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

    /// The file where each durable step writes its record and waits for it to reach the disk.
    ///
    /// Like a SQLite WAL in its steady state (the demo's journals: WAL, `synchronous = FULL`),
    /// records overwrite a file allocated and synced once at open, in a ring, and each is followed
    /// by `fdatasync`: the data is on disk before the write returns, and no write changes the
    /// file's size, so none needs a filesystem journal commit for metadata on top.
    final class DurableFile {
        private let fd: Int32
        private static let size = 1 << 22
        private var offset = 0

        init(path: String) throws {
            fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
            guard fd >= 0 else { throw FloorError("cannot open \(path): errno \(errno)") }
            let zeros = [UInt8](repeating: 0, count: Self.size)
            let written = zeros.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == Self.size, fsync(fd) == 0 else { throw FloorError("cannot allocate \(path): errno \(errno)") }
        }

        deinit { close(fd) }

        /// Writes `bytes` and returns once they are on disk.
        func append(_ bytes: [UInt8]) throws {
            guard bytes.count <= Self.size else { throw FloorError("a record of \(bytes.count) bytes") }
            if offset + bytes.count > Self.size { offset = 0 }
            let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard written == bytes.count, fdatasync(fd) == 0 else { throw FloorError("durable write failed: errno \(errno)") }
            offset += bytes.count
        }
    }

    /// The stand-in for a plan's digest that approvals sign: the first 32 bytes of the proposal's signature.
    static func digest(ofSigned signature: [UInt8]) -> [UInt8] { Array(signature.prefix(32)) }

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
