import Foundation
import Hummingbird
import Logging
import RebalancerNode

/// The dashboard's HTTP side (Hummingbird): `GET /` is the page (one self-contained HTML
/// document, no CDN), `GET /events` a server-sent-events stream of the hub's events, starting
/// with what a new page needs to catch up.
public enum DashboardServer {
    /// Builds the application listening on `host:port`; it is a `Service`. `onRunning` receives the
    /// bound port (useful with port 0).
    public static func application(
        hub: DashboardHub, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: DashboardPage.html))
            )
        }
        router.get("/events") { _, _ in
            let events = hub.subscribe()
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: .init { writer in
                    try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                    for await event in events {
                        try await writer.write(ByteBuffer(string: event.serverSentText))
                    }
                    try await writer.finish(nil)
                }
            )
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "rebalancer-dashboard"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
