import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 request on its own connection (closed after the answer), through SwiftNIO's HTTP
/// codec, with a deadline over the whole exchange. For the etcd gateway and the latency bench's
/// `/metrics` reads: FoundationNetworking's URLSession on Linux times out or traps ("Transfer
/// completed, but there's no response") on a second request over a kept-alive connection, and
/// can trap when a task suspended in `data(for:)` is cancelled.
public enum HTTPExchange {
    /// The exchange did not finish in time.
    struct Timeout: Error, CustomStringConvertible {
        let ms: Int64
        var description: String { "no answer within \(ms) ms" }
    }

    /// POSTs `body` (JSON) to `path` on `host`:`port`; returns the status and the body.
    static func post(host: String, port: Int, path: String, body: [UInt8], timeoutMs: Int64) async throws -> (status: Int, body: [UInt8]) {
        try await send(.POST, host: host, port: port, path: path, body: body, timeoutMs: timeoutMs)
    }

    /// GETs `path` on `host`:`port`; returns the status and the body.
    public static func get(host: String, port: Int, path: String, timeoutMs: Int64) async throws -> (status: Int, body: [UInt8]) {
        try await send(.GET, host: host, port: port, path: path, body: nil, timeoutMs: timeoutMs)
    }

    private static func send(_ method: HTTPMethod, host: String, port: Int, path: String, body: [UInt8]?, timeoutMs: Int64) async throws -> (status: Int, body: [UInt8]) {
        try await withThrowingTaskGroup(of: (status: Int, body: [UInt8]).self) { group in
            group.addTask { try await exchange(method, host: host, port: port, path: path, body: body, timeoutMs: timeoutMs) }
            group.addTask {
                try await Task.sleep(for: .milliseconds(timeoutMs))
                throw Timeout(ms: timeoutMs)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw Timeout(ms: timeoutMs) }
            return first
        }
    }

    private static func exchange(_ method: HTTPMethod, host: String, port: Int, path: String, body: [UInt8]?, timeoutMs: Int64) async throws -> (status: Int, body: [UInt8]) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(timeoutMs))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            head.headers.add(name: "Host", value: "\(host):\(port)")
            if let body {
                head.headers.add(name: "Content-Type", value: "application/json")
                head.headers.add(name: "Content-Length", value: "\(body.count)")
            }
            head.headers.add(name: "Connection", value: "close")
            try await outbound.write(.head(head))
            if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var status = 0
            var received: [UInt8] = []
            for try await part in inbound {
                switch part {
                case let .head(response): status = Int(response.status.code)
                case let .body(buffer): received += buffer.readableBytesView
                case .end: return (status, received)
                }
            }
            return (status, received)
        }
    }
}
