/// Binance's answers, with the field names of its API docs. Amounts are decimal strings.
public enum BinanceResponses {
    /// `GET /fapi/v2/account` (USDⓈ-M futures account).
    public struct FuturesAccount: Decodable, Sendable {
        /// Wallet balance plus unrealised PnL, all assets in USD.
        public var totalMarginBalance: String
        /// Maintenance margin required.
        public var totalMaintMargin: String
        /// Initial margin required (positions and open orders).
        public var totalInitialMargin: String
        /// Available for new positions.
        public var availableBalance: String
        /// The most that can be transferred out now.
        public var maxWithdrawAmount: String
        /// Whether the account may transfer out.
        public var canWithdraw: Bool
        /// Reserved (0) on v2; kept for the sequence when set.
        public var updateTime: UInt64?
        /// One entry per symbol, mostly empty (`positionAmt` "0").
        public var positions: [FuturesPosition]
    }

    /// `positions[]` of the futures account.
    public struct FuturesPosition: Decodable, Sendable {
        /// The symbol (`BTCUSDT`).
        public var symbol: String
        /// Signed size.
        public var positionAmt: String
        /// Average entry price.
        public var entryPrice: String
        /// Unrealised PnL at the mark price.
        public var unrealizedProfit: String
        /// Last update, ms.
        public var updateTime: UInt64
    }

    /// Binance's error body: `{"code":-1022,"msg":"Signature for this request is not valid."}`.
    public struct APIError: Decodable, Sendable {
        /// Binance's error code (negative).
        public var code: Int
        /// Its message.
        public var msg: String
    }

    /// `POST /sapi/v1/capital/withdraw/apply`.
    public struct WithdrawApplied: Decodable, Sendable {
        /// Binance's id of the withdrawal.
        public var id: String
    }

    /// One entry of `GET /sapi/v1/capital/withdraw/history`.
    public struct WithdrawRecord: Decodable, Sendable {
        /// Binance's id of the withdrawal.
        public var id: String
        /// Amount.
        public var amount: String
        /// The coin.
        public var coin: String
        /// 0 email sent, 1 cancelled, 2 awaiting approval, 3 rejected, 4 processing, 5 failure, 6 completed.
        public var status: Int
        /// The client's id (our idempotency key); absent when none was given.
        public var withdrawOrderId: String?
        /// Why it failed, when it did.
        public var info: String?
        /// The chain transaction, once sent.
        public var txId: String?
    }
}
