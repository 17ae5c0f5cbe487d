import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTools

/// `rebalancer topology grafana FILE`: a Grafana dashboard over the metrics of the topology's nodes.
struct TopologyGrafanaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grafana",
        abstract: "Write a Grafana dashboard (JSON) for the topology: decision latency, plans, votes, venues, drops, processes."
    )

    @Argument(help: "The topology file.")
    var file: String

    @Option(help: "The file to write (atomically). Printed to stdout when omitted.")
    var output: String?

    func run() throws {
        let topology = try TopologyFile.load(path: file)
        let text = GrafanaDashboard.render(topology: topology)
        guard let output else { return print(text, terminator: "") }
        try text.write(toFile: output, atomically: true, encoding: .utf8)
        print("wrote \(output)")
    }
}
