import Foundation
import RebalancerCore
import RebalancerNode

extension DemoRunner {
    /// The dashboard's name among the supervisor's children (its log is `<logs>/dashboard.log`).
    static let dashboardID: NodeID = "dashboard"

    /// Starts `rebalancer dashboard` as the topology's monitor node on `listen`, a child of
    /// `supervisor` like the roles (stopped with them), logging to `<logs>/dashboard.log`.
    func startDashboard(listen: String, supervisor: ProcessSupervisor) async throws {
        try await supervisor.start(
            role: .monitor, id: Self.dashboardID,
            arguments: ["dashboard", "--topology", options.topologyPath, "--listen", listen, "--log-level", "warning"]
        )
    }
}
