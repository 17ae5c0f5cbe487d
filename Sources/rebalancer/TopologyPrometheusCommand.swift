import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTools

/// `rebalancer topology prometheus FILE`: a Prometheus scrape configuration for every node's
/// metrics endpoint.
struct TopologyPrometheusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prometheus",
        abstract: "Write a Prometheus scrape configuration for every node's metrics endpoint."
    )

    @Argument(help: "The topology file.")
    var file: String

    @Option(help: "The file to write. Printed to stdout when omitted.")
    var output: String?

    @Option(help: "Scrape interval in seconds (at least 1).")
    var interval: Int = 1

    func validate() throws {
        guard interval >= 1 else { throw ValidationError("--interval must be at least 1") }
    }

    func run() throws {
        let topology = try TopologyFile.load(path: file)
        guard topology.nodes.contains(where: { topology.endpoints(of: $0.id)["metrics"] != nil }) else {
            throw ValidationError("no node in \(file) has a metrics endpoint")
        }
        let text = PrometheusConfig.render(topology: topology, interval: interval)
        guard let output else { return print(text, terminator: "") }
        try text.write(toFile: output, atomically: true, encoding: .utf8)
        print("wrote \(output)")
    }
}
