/// The identifier of a venue (an exchange account, a chain wallet) as named in the topology.
public typealias VenueID = String

/// The identifier of a node (one process) as named in the topology.
public typealias NodeID = String

/// An amount of the settlement asset in integer minor units (cents).
///
/// Integers keep conservation checks exact: a plan's per-asset totals either balance or they do not.
public typealias Amount = Int64

/// Nanoseconds since the Unix epoch, as read from a clock passed in by the caller.
public typealias Nanos = Int64

extension Nanos {
    /// Nanoseconds in one millisecond.
    public static let perMillisecond: Int64 = 1_000_000
    /// Nanoseconds in one second.
    public static let perSecond: Int64 = 1_000_000_000
}
