import ArgumentParser
import Foundation
import RebalancerDashboard
import RebalancerNode
import ServiceLifecycle

/// `rebalancer dashboard`: the topology's `monitor` node serving a live web page.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve a live web page of the deployment, as its monitor node: venues, plans and votes, transfers, latency, alerts."
    )

    @OptionGroup var options: NodeOptions

    @Option(name: .long, help: "The monitor node's id (default: the topology's first monitor node).")
    var id: String?

    @Option(name: .long, help: "Where the page is served, host:port (port 0 picks a free one; the URL is printed).")
    var listen: String = "127.0.0.1:8080"

    func validate() throws {
        _ = try Self.hostPort(listen)
    }

    /// Splits `host:port`; a missing or out-of-range port is refused with the value named.
    static func hostPort(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port),
              colon != text.startIndex
        else { throw ValidationError("--listen must be host:port (for example 127.0.0.1:8080), not '\(text)'") }
        return (String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }

    func run() async throws {
        let topology = try TopologyFile.load(path: options.topology)
        guard let nodeID = id ?? topology.nodes(.monitor).first?.id else {
            throw ValidationError("no monitor node in \(options.topology): add a node with role monitor (topology init makes one)")
        }
        let runtime = try options.bootstrap(nodeID: nodeID, role: .monitor)
        let (host, port) = try Self.hostPort(listen)
        let hub = DashboardHub()
        let feed = try DashboardFeed(runtime: runtime, hub: hub)
        let logger = runtime.logger
        let app = DashboardServer.application(hub: hub, host: host, port: port, logger: logger) { bound in
            let shown = host.contains(":") ? "[\(host)]" : host
            FileHandle.standardOutput.write(Data("dashboard: http://\(shown):\(bound)/\n".utf8))
        }
        // Shut down in reverse: the feed first (its stop ends every page's event stream), then the server.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: app),
            .init(service: RoleService(runtime: runtime, handler: feed, tickInterval: .milliseconds(runtime.topology.timing.heartbeatMs))),
        ]
        if let watch = SupervisorWatch() { services.append(.init(service: watch, successTerminationBehavior: .gracefullyShutdownGroup)) }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
