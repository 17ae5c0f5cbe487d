/// PUB/SUB topic prefixes: the first frame of every published message.
public enum Topic {
    /// Market ticks of one venue, from `rebalancer venues`: `tick/<venue>/`. The closing slash
    /// keeps a subscription exact: ZeroMQ matches prefixes, and `tick/v1` would also take the
    /// ticks of v10...v19 and v100 (at 100 venues, as many frames again as the watchers' own).
    public static func tick(_ venue: String) -> String { tickPrefix + venue + "/" }
    /// The prefix of every venue's market ticks: a subscription to all of them.
    public static let tickPrefix = "tick/"
    /// Signed venue states from a watcher: `state/<venue>`.
    public static func state(_ venue: String) -> String { statePrefix + venue }
    /// The prefix of every venue's signed states: a subscription to all of them.
    public static let statePrefix = "state/"
    /// Approved plans from the coordinator.
    public static let plan = "plan"
    /// Heartbeats with counters, on every feed.
    public static let heartbeat = "hb"
    /// Signed verifier-set rotations, relayed by the coordinator.
    public static let rotation = "rotation"
    /// Transfer status from an executor.
    public static let status = "status"
}
