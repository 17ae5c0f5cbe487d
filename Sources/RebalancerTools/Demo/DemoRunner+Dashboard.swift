import Foundation
import RebalancerCore
import RebalancerNode

extension DemoRunner {
    /// Starts `rebalancer dashboard` as the topology's monitor node on `listen`; its output goes
    /// to `<logDirectory>/dashboard.log`.
    func startDashboard(listen: String, logDirectory: String) throws -> Process {
        let log = logDirectory + "/dashboard.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = executable
        process.arguments = ["dashboard", "--topology", options.topologyPath, "--listen", listen, "--log-level", "warning"]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }
}
