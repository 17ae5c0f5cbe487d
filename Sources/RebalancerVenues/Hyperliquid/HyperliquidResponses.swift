/// Hyperliquid's `POST /info` answers, with the field names of its API docs. Amounts are
/// decimal strings; `time` is ms since the epoch.
public enum HyperliquidResponses {
    /// `{"type":"clearinghouseState","user":...}`: the perpetuals account.
    public struct ClearinghouseState: Decodable, Sendable {
        /// Cross and isolated margin together.
        public var marginSummary: MarginSummary
        /// Maintenance margin used by cross positions.
        public var crossMaintenanceMarginUsed: String
        /// USDC that can be withdrawn now.
        public var withdrawable: String
        /// Open positions.
        public var assetPositions: [AssetPosition]
        /// The venue's time of this state, ms.
        public var time: UInt64
    }

    /// `marginSummary`.
    public struct MarginSummary: Decodable, Sendable {
        /// Equity: balance plus unrealised PnL.
        public var accountValue: String
        /// Margin used by all positions (initial margin at current leverage).
        public var totalMarginUsed: String
        /// Total notional of positions.
        public var totalNtlPos: String
    }

    /// One entry of `assetPositions`.
    public struct AssetPosition: Decodable, Sendable {
        /// The position.
        public var position: Position
    }

    /// `assetPositions[].position`.
    public struct Position: Decodable, Sendable {
        /// The coin (`ETH`).
        public var coin: String
        /// Signed size.
        public var szi: String
        /// Notional at the mark price.
        public var positionValue: String
        /// Liquidation price; null when the position cannot be liquidated.
        public var liquidationPx: String?
    }

    /// `{"type":"spotClearinghouseState","user":...}`: spot balances (the collateral of a unified account).
    public struct SpotClearinghouseState: Decodable, Sendable {
        /// One balance per token.
        public var balances: [SpotBalance]
    }

    /// `balances[]`.
    public struct SpotBalance: Decodable, Sendable {
        /// The token (`USDC`).
        public var coin: String
        /// The whole balance.
        public var total: String
        /// The part held by open orders.
        public var hold: String
    }
}
