import RebalancerCore

extension Market {
    /// Something that happened in the market during `tick` or `settleDue`, in the order it happened.
    public enum Event: Sendable, Equatable {
        /// The price path moved into a new volatility regime.
        case regimeChanged(PricePath.Regime)
        /// A transfer was credited at its destination.
        case settled(transferID: String, from: VenueID, to: VenueID, credited: Amount)
        /// A venue fell below maintenance margin: its position was closed, the penalty charged, and
        /// its hedge venue's opposite position unwound at the mark.
        case liquidated(venue: VenueID, penalty: Amount)
    }

    /// Why `submit` refused a transfer; a refused transfer changes nothing and its id stays free.
    public enum TransferRejection: Error, Sendable, Equatable, CustomStringConvertible {
        /// The venue is not in the market.
        case unknownVenue(VenueID)
        /// No route leads from the source to the destination.
        case noRoute(from: VenueID, to: VenueID)
        /// The amount is zero or negative.
        case nonPositiveAmount(Amount)
        /// A transfer with this id was already accepted; it is never applied twice.
        case duplicateTransferID(String)
        /// The source's settled balance is below the amount.
        case insufficientBalance(venue: VenueID, available: Amount, requested: Amount)
        /// The source has suspended withdrawals.
        case withdrawalsDisabled(VenueID)

        /// A short reason code for logs and status messages.
        public var code: String {
            switch self {
            case .unknownVenue: "unknown-venue"
            case .noRoute: "no-route"
            case .nonPositiveAmount: "non-positive-amount"
            case .duplicateTransferID: "duplicate-transfer-id"
            case .insufficientBalance: "insufficient-balance"
            case .withdrawalsDisabled: "withdrawals-disabled"
            }
        }

        /// A human-readable explanation.
        public var description: String {
            switch self {
            case .unknownVenue(let venue): "unknown venue '\(venue)'"
            case .noRoute(let from, let to): "no route from '\(from)' to '\(to)'"
            case .nonPositiveAmount(let amount): "amount \(amount) is not positive"
            case .duplicateTransferID(let id): "transfer '\(id)' was already accepted"
            case .insufficientBalance(let venue, let available, let requested):
                "venue '\(venue)' holds \(available), transfer needs \(requested)"
            case .withdrawalsDisabled(let venue): "withdrawals are disabled at '\(venue)'"
            }
        }
    }
}
