import Foundation
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// In a node started by `rebalancer up`, shuts the node down (as SIGTERM would) when its
/// supervisor is gone, even one killed with SIGKILL, so no node outlives the `up` that ran it.
/// The supervisor names itself in `REBALANCER_SUPERVISOR_PID`; the watch compares that with the
/// process's parent twice a second.
public struct SupervisorWatch: Service {
    /// The environment variable holding the supervisor's pid.
    public static let environmentKey = "REBALANCER_SUPERVISOR_PID"

    /// The supervisor's pid.
    public let supervisor: Int32

    /// A watch when `environment` names a supervisor; nil otherwise.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let pid = environment[Self.environmentKey].flatMap(Int32.init), pid > 1 else { return nil }
        supervisor = pid
    }

    /// Waits until the parent is no longer the supervisor, then sends this process SIGTERM and
    /// waits for the graceful shutdown that follows.
    public func run() async throws {
        let supervisor = supervisor
        try? await cancelWhenGracefulShutdown {
            while getppid() == supervisor { try await Task.sleep(for: .milliseconds(500)) }
            kill(getpid(), SIGTERM)
            while true { try await Task.sleep(for: .seconds(1)) }
        }
    }
}
