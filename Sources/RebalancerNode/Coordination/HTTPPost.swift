import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 POST on its own connection (closed after the answer), through SwiftNIO's HTTP
/// codec, with a deadline over the whole exchange. For the etcd gateway: FoundationNetworking's
/// URLSession on Linux times out or traps ("Transfer completed, but there's no response") on a
/// second request to it over a kept-alive connection.
enum HTTPPost {
    /// The exchange did not finish in time.
    struct Timeout: Error, CustomStringConvertible {
        let ms: Int64
        var description: String { "no answer within \(ms) ms" }
    }

    /// POSTs `body` (JSON) to `path` on `host`:`port`; returns the status and the body.
    static func send(host: String, port: Int, path: String, body: [UInt8], timeoutMs: Int64) async throws -> (status: Int, body: [UInt8]) {
        try await withThrowingTaskGroup(of: (status: Int, body: [UInt8]).self) { group in
            group.addTask { try await exchange(host: host, port: port, path: path, body: body, timeoutMs: timeoutMs) }
            group.addTask {
                try await Task.sleep(for: .milliseconds(timeoutMs))
                throw Timeout(ms: timeoutMs)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw Timeout(ms: timeoutMs) }
            return first
        }
    }

    private static func exchange(host: String, port: Int, path: String, body: [UInt8], timeoutMs: Int64) async throws -> (status: Int, body: [UInt8]) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(timeoutMs))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
            head.headers.add(name: "Host", value: "\(host):\(port)")
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: "\(body.count)")
            head.headers.add(name: "Connection", value: "close")
            try await outbound.write(.head(head))
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
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
