import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// The node's HTTP endpoint (the topology's `metrics` endpoint, e.g. `tcp://127.0.0.1:9101`):
/// `/metrics` in Prometheus text format, `/healthz` (200 while the process runs) and `/readyz`
/// (200 when the role says it is ready, 503 with the reason otherwise). Runs as a service in the
/// role's service group.
public enum MetricsServer {
    /// The host and port of a `tcp://host:port` endpoint, or nil.
    public static func hostPort(_ endpoint: String) -> (host: String, port: Int)? {
        guard endpoint.hasPrefix("tcp://") else { return nil }
        let rest = endpoint.dropFirst("tcp://".count)
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        let host = String(rest[..<colon])
        return host.isEmpty || host == "*" ? ("0.0.0.0", port) : (host, port)
    }

    /// The service serving `runtime`'s metrics from `registry` on its `metrics` endpoint, or nil
    /// when the topology gives the node none.
    public static func service(runtime: NodeRuntime, registry: PrometheusCollectorRegistry) throws -> (any Service)? {
        guard let endpoint = runtime.deployment.endpoints(of: runtime.node.id)["metrics"] else { return nil }
        guard let (host, port) = hostPort(endpoint) else {
            throw NodeRuntime.RuntimeError.cannotBind(node: runtime.node.id, name: "metrics", endpoint: endpoint, reason: "not a tcp://host:port address")
        }
        let router = Router()
        let node = runtime.node.id
        let readiness = runtime.readiness
        router.get("metrics") { _, _ -> Response in
            let text = registry.emitToString() + ProcessStats.prometheusText(node: node)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("healthz") { _, _ -> String in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            let state = readiness.state
            let body = state.ready ? "ready\n" : "not ready: \(state.reason)\n"
            return Response(status: state.ready ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        var logger = runtime.logger
        logger.logLevel = max(logger.logLevel, .notice)
        runtime.logger.info("serving metrics", metadata: ["endpoint": "http://\(host):\(port)/metrics"])
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "rebalancer-\(node)"), logger: logger)
    }
}
