/// The dYdX v4 indexer's answers, with the field names of its API docs. Amounts are decimal strings.
public enum DYDXResponses {
    /// `GET /v4/addresses/{address}/subaccountNumber/{n}`.
    public struct SubaccountResponse: Decodable, Sendable {
        /// The subaccount.
        public var subaccount: Subaccount
    }

    /// `subaccount`.
    public struct Subaccount: Decodable, Sendable {
        /// The dydx1... address.
        public var address: String
        /// The subaccount number.
        public var subaccountNumber: Int
        /// Equity: collateral plus the value of positions.
        public var equity: String
        /// Collateral free for new positions or withdrawal.
        public var freeCollateral: String
        /// Open positions, by market (`BTC-USD`).
        public var openPerpetualPositions: [String: PerpetualPosition]
        /// Whether the subaccount may trade on margin; absent on old indexers.
        public var marginEnabled: Bool?
        /// The last block the indexer processed.
        public var latestProcessedBlockHeight: String?
        /// The block of the subaccount's last change.
        public var updatedAtHeight: String
    }

    /// `openPerpetualPositions[market]`.
    public struct PerpetualPosition: Decodable, Sendable {
        /// The market (`BTC-USD`).
        public var market: String
        /// `OPEN`.
        public var status: String
        /// `LONG` or `SHORT`.
        public var side: String
        /// Size (its sign follows `side`).
        public var size: String
    }

    /// `GET /v4/perpetualMarkets`.
    public struct PerpetualMarkets: Decodable, Sendable {
        /// The markets, by ticker.
        public var markets: [String: PerpetualMarket]
    }

    /// `markets[ticker]`.
    public struct PerpetualMarket: Decodable, Sendable {
        /// The ticker (`BTC-USD`).
        public var ticker: String
        /// `ACTIVE`, `PAUSED`, `CANCEL_ONLY`, `POST_ONLY`, `INITIALIZING`, `FINAL_SETTLEMENT`.
        public var status: String
        /// The oracle price.
        public var oraclePrice: String
        /// Initial margin fraction.
        public var initialMarginFraction: String
        /// Maintenance margin fraction.
        public var maintenanceMarginFraction: String
    }
}
