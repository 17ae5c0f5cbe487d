/// A movement of collateral from one venue to another along a topology route.
public struct Transfer: Sendable, Equatable, Hashable, Codable {
    /// The venue debited.
    public var from: VenueID
    /// The venue credited.
    public var to: VenueID
    /// The amount debited at the source, in minor units.
    public var amount: Amount

    /// Creates a transfer.
    public init(from: VenueID, to: VenueID, amount: Amount) {
        self.from = from
        self.to = to
        self.amount = amount
    }

    /// The identifier a transfer carries end to end: the plan sequence and its index in the plan.
    public static func id(planSeq: UInt64, index: Int) -> String { "\(planSeq)/\(index)" }
}

extension Transfer {
    /// The plan sequence and index a transfer id (`Transfer.id(planSeq:index:)`) names; nil for
    /// anything else (a venue's receipt is not trusted to carry a well-formed id).
    public static func parseID(_ id: String) -> (planSeq: UInt64, index: Int)? {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let planSeq = UInt64(parts[0]), let index = Int32(parts[1]), index >= 0 else { return nil }
        return (planSeq, Int(index))
    }
}
