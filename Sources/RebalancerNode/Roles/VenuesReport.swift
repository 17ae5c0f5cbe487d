import Foundation
import RebalancerCore

/// What the simulated venues write on shutdown (`rebalancer venues --report PATH`): the market's
/// final money figures and every transfer they accepted, so that an outside check can reconcile
/// capital and match each transfer to an approved plan.
public struct VenuesReport: Codable, Sendable {
    /// One accepted transfer.
    public struct Transfer: Codable, Sendable {
        /// The transfer id (`planSeq/index`).
        public var id: String
        /// Source venue.
        public var from: VenueID
        /// Destination venue.
        public var to: VenueID
        /// Amount debited at the source, in cents.
        public var amount: Amount
        /// Route fee charged, in cents.
        public var fee: Amount
        /// The executor that submitted it.
        public var executor: NodeID

        /// Creates an entry.
        public init(id: String, from: VenueID, to: VenueID, amount: Amount, fee: Amount, executor: NodeID) {
            self.id = id
            self.from = from
            self.to = to
            self.amount = amount
            self.fee = fee
            self.executor = executor
        }
    }

    /// Sum of the starting balances, in cents.
    public var initialCapital: Amount
    /// Balances plus credits in flight at shutdown, in cents.
    public var capitalInSystem: Amount
    /// Route fees charged, in cents.
    public var feesPaid: Amount
    /// Liquidation penalties charged, in cents.
    public var penaltiesCharged: Amount
    /// Sum of mark-to-market PnL (zero while every position is hedged), in cents.
    public var cumulativePnL: Amount
    /// Venues liquidated.
    public var liquidations: Int
    /// Market ticks run.
    public var ticks: UInt64
    /// Transfers credited at their destination.
    public var transfersSettled: Int
    /// Transfers accepted and not yet credited.
    public var transfersInFlight: Int
    /// Every transfer accepted, in order.
    public var accepted: [Transfer]
    /// Refused submissions by reason code (`duplicate_transfer_id` for a resubmitted id).
    public var refused: [String: Int]
    /// The reason code of each refused transfer id (its first refusal).
    public var refusedTransfers: [String: String]

    /// Creates a report.
    public init(initialCapital: Amount, capitalInSystem: Amount, feesPaid: Amount, penaltiesCharged: Amount, cumulativePnL: Amount,
                liquidations: Int, ticks: UInt64, transfersSettled: Int, transfersInFlight: Int, accepted: [Transfer], refused: [String: Int], refusedTransfers: [String: String]) {
        self.initialCapital = initialCapital
        self.capitalInSystem = capitalInSystem
        self.feesPaid = feesPaid
        self.penaltiesCharged = penaltiesCharged
        self.cumulativePnL = cumulativePnL
        self.liquidations = liquidations
        self.ticks = ticks
        self.transfersSettled = transfersSettled
        self.transfersInFlight = transfersInFlight
        self.accepted = accepted
        self.refused = refused
        self.refusedTransfers = refusedTransfers
    }

    /// Capital held plus fees and penalties, less PnL, equals the starting capital.
    public var reconciles: Bool { capitalInSystem + feesPaid + penaltiesCharged - cumulativePnL == initialCapital }

    /// Writes the report as JSON, atomically.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads a report written by `write(to:)`.
    public static func read(from path: String) throws -> VenuesReport {
        try JSONDecoder().decode(VenuesReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
