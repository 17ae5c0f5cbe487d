import Foundation

/// One stretch of the decision path, between two consecutive points the nodes record in
/// `rebalancer_decision_hop_seconds{hop}` (the first starts at the watcher's observation).
public enum HopSegment: String, Codable, Sendable, CaseIterable {
    /// Watcher's observation to the coordinator holding the verified state.
    case coordinatorReceived = "coordinator_received"
    /// Received state to the signed proposal (includes the reserve write).
    case proposed
    /// Proposal to a quorum of verified votes (verifiers' ledger writes and signatures).
    case quorumReached = "quorum_reached"
    /// Quorum to the approved plan durable in the journal.
    case journaled
    /// Journaled to the approved plan signed and handed to ZeroMQ.
    case published
    /// Published to the executor holding the plan with its quorum checked and recorded.
    case executorVerified = "executor_verified"
}

/// The cost of one segment in one measurement, in milliseconds.
public struct HopCost: Codable, Sendable, Equatable {
    /// The segment (`HopSegment` raw value).
    public var hop: String
    /// Median cost.
    public var p50_ms: Double
    /// 99th percentile cost.
    public var p99_ms: Double
}
