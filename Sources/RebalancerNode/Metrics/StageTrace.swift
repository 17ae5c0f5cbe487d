import Foundation
import Logging
import ZeroMQ

/// Where one message's time goes inside a role, stage by stage, on the monotonic clock: from the
/// socket thread taking it off its socket to the reply handed back to that thread. Off unless the
/// environment sets `REBALANCER_TRACE` (then one `trace` log line per traced message); meant for
/// finding waits on the decision path, not for production.
public struct StageTrace: Sendable {
    /// Whether tracing is on (`REBALANCER_TRACE` set).
    public static let enabled = ProcessInfo.processInfo.environment["REBALANCER_TRACE"] != nil

    private var marks: [(stage: String, at: UInt64)] = []

    /// A trace of a message the socket thread took at `receivedAt` (CLOCK_MONOTONIC ns), handled from now.
    public init(receivedAt: UInt64) {
        guard Self.enabled else { return }
        marks = [("received", receivedAt), ("handled", DispatchTime.now().uptimeNanoseconds)]
    }

    /// Notes that `stage` ended now.
    public mutating func mark(_ stage: String) {
        guard Self.enabled, !marks.isEmpty else { return }
        marks.append((stage, DispatchTime.now().uptimeNanoseconds))
    }

    /// Logs the trace: `t0` (ns) and each stage in microseconds since `received`, and whether it
    /// ended on the socket thread (`on_loop`).
    public func log(_ logger: Logger, _ what: String, planSeq: UInt64, executor: any SerialExecutor) {
        guard Self.enabled, let start = marks.first?.at else { return }
        let onLoop = (executor as? SocketLoop)?.isLoopThread == true
        let stages = marks.map { "\($0.stage)=\(String(format: "%.1f", Double(Int64($0.at) - Int64(start)) / 1000))" }
        logger.info("trace", metadata: [
            "what": "\(what)", "plan_seq": "\(planSeq)", "t0": "\(start)",
            "us": "\(stages.joined(separator: " "))", "on_loop": "\(onLoop)",
        ])
    }
}
