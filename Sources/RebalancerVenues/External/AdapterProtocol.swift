import Foundation

/// The external adapter line protocol (docs/adapters.md): JSON lines over a child process's
/// stdin (requests) and stdout (replies); stderr is the adapter's log.
public enum AdapterProtocol {
    /// The protocol version this host speaks; the handshake refuses any other.
    public static let version = 1

    /// The methods a host may call.
    public enum Method: String, Sendable, CaseIterable {
        /// The handshake: protocol version and capabilities.
        case hello
        /// One margin snapshot of the account.
        case snapshot
        /// Submits a transfer under its idempotency key.
        case transferSubmit = "transfer.submit"
        /// The status of the transfer under a key (`not_found` when none).
        case transferStatus = "transfer.status"
        /// The transfer under a key, or null.
        case transferFind = "transfer.find"
    }

    /// What an adapter can do, as announced in the handshake.
    public enum Capability: String, Sendable, Codable {
        /// Answers `snapshot`.
        case read
        /// Answers `transfer.submit`, `transfer.status` and `transfer.find`.
        case transfer
    }

    /// The error codes of replies: every `VenueError.code`, plus `invalid_request` for a request
    /// the adapter could not parse (bad JSON, missing or ill-typed parameter).
    public static let errorCodes: Set<String> = [
        "rate_limited", "unauthorized", "timeout", "unavailable", "malformed", "rejected",
        "not_found", "unsupported", "invalid_request",
    ]
}

extension AdapterProtocol {
    /// The `hello` result.
    public struct Hello: Sendable, Equatable, Codable {
        /// The protocol version the adapter speaks.
        public var protocolVersion: Int
        /// The adapter's name (`ccxt`).
        public var adapter: String
        /// The venue it talks to (`binanceusdm`), when it says.
        public var venue: String?
        /// What it can do.
        public var capabilities: [Capability]

        enum CodingKeys: String, CodingKey {
            case protocolVersion = "protocol_version", adapter, venue, capabilities
        }
    }

    /// An error reply's `error` object.
    public struct ErrorBody: Sendable, Equatable, Codable {
        /// One of `AdapterProtocol.errorCodes`.
        public var code: String
        /// Human-readable detail.
        public var message: String
        /// `rate_limited`: nothing may be sent to the venue before this many ms.
        public var retryAfterMs: Int64?
        /// The venue's HTTP status, when there was one.
        public var status: Int?
        /// The venue's own error code (Binance `-1022`), for `unauthorized` and `rejected`.
        public var venueCode: Int?
        /// `malformed`: the field of the venue's answer that was missing or wrong.
        public var field: String?

        enum CodingKeys: String, CodingKey {
            case code, message, status, field
            case retryAfterMs = "retry_after_ms", venueCode = "venue_code"
        }

        /// The typed error this reply stands for.
        public var venueError: VenueError {
            switch code {
            case "rate_limited": .rateLimited(retryAfterMs: max(retryAfterMs ?? 1000, 0), status: status ?? 429)
            case "unauthorized": .unauthorized(code: venueCode ?? status ?? 0, message: message)
            case "timeout": .timeout(afterMs: retryAfterMs ?? 0)
            case "unavailable": .unavailable(message)
            case "malformed": .malformed(field: field ?? "?", detail: message)
            case "rejected": .rejected(code: venueCode ?? status ?? 0, message: message)
            case "not_found": .notFound
            case "unsupported": .unsupported(message)
            case "invalid_request": .malformed(field: "request", detail: "adapter refused the request: \(message)")
            default: .malformed(field: "error.code", detail: "unknown error code \(code): \(message)")
            }
        }
    }

    /// A position in a `snapshot` result.
    public struct Position: Sendable, Equatable, Codable {
        /// Venue market symbol.
        public var market: String
        /// Signed size (positive long, negative short).
        public var size: Double
        /// Mark price, USD.
        public var markPrice: Double
        /// Liquidation price, USD, or null.
        public var liquidationPrice: Double?

        enum CodingKeys: String, CodingKey {
            case market, size
            case markPrice = "mark_price", liquidationPrice = "liquidation_price"
        }
    }

    /// The `snapshot` result: money in integer cents of the settlement asset.
    public struct Snapshot: Sendable, Equatable, Codable {
        /// The settlement asset the cents are of (`USDT`, `USDC`).
        public var asset: String
        /// Equity, cents (may be negative for an account under water).
        public var equityCents: Int64
        /// Maintenance margin in use, cents, >= 0.
        public var maintenanceMarginCents: Int64
        /// Initial margin in use, cents, >= 0.
        public var initialMarginCents: Int64
        /// Withdrawable now, cents, >= 0.
        public var withdrawableCents: Int64
        /// Whether withdrawals are allowed now.
        public var withdrawalsEnabled: Bool
        /// Open positions.
        public var positions: [Position]
        /// Venue sequence or timestamp (ms), never decreasing.
        public var venueSequence: UInt64
        /// `reported` or `derived`.
        public var marginSource: VenueSnapshot.MarginSource

        enum CodingKeys: String, CodingKey {
            case asset, positions
            case equityCents = "equity_cents", maintenanceMarginCents = "maintenance_margin_cents"
            case initialMarginCents = "initial_margin_cents", withdrawableCents = "withdrawable_cents"
            case withdrawalsEnabled = "withdrawals_enabled", venueSequence = "venue_sequence"
            case marginSource = "margin_source"
        }

        /// Checks the invariants every snapshot must hold; the first broken one, naming its field.
        public func violation() -> VenueError? {
            if maintenanceMarginCents < 0 { return .malformed(field: "maintenance_margin_cents", detail: "negative") }
            if initialMarginCents < 0 { return .malformed(field: "initial_margin_cents", detail: "negative") }
            if withdrawableCents < 0 { return .malformed(field: "withdrawable_cents", detail: "negative") }
            if withdrawableCents > max(equityCents, 0) { return .malformed(field: "withdrawable_cents", detail: "exceeds equity") }
            if asset.isEmpty { return .malformed(field: "asset", detail: "empty") }
            for (index, position) in positions.enumerated() {
                let field = "positions[\(index)]"
                if position.market.isEmpty { return .malformed(field: field + ".market", detail: "empty") }
                if !position.size.isFinite { return .malformed(field: field + ".size", detail: "not finite") }
                if !(position.markPrice.isFinite && position.markPrice > 0) { return .malformed(field: field + ".mark_price", detail: "must be a positive number") }
                if let liquidation = position.liquidationPrice, !(liquidation.isFinite && liquidation >= 0) {
                    return .malformed(field: field + ".liquidation_price", detail: "must be null or a non-negative number")
                }
            }
            return nil
        }

        /// The snapshot in the system's terms.
        public var venueSnapshot: VenueSnapshot {
            VenueSnapshot(
                equity: equityCents, maintenanceMargin: maintenanceMarginCents, initialMargin: initialMarginCents,
                withdrawable: withdrawableCents, withdrawalsEnabled: withdrawalsEnabled,
                positions: positions.map { .init(market: $0.market, size: $0.size, markPrice: $0.markPrice, liquidationPrice: $0.liquidationPrice) },
                venueSequence: venueSequence, marginSource: marginSource
            )
        }
    }

    /// `transfer.submit` parameters.
    public struct SubmitParams: Sendable, Equatable, Codable {
        /// The idempotency key.
        public var key: String
        /// Source venue.
        public var from: String
        /// Destination venue.
        public var to: String
        /// Amount, integer cents of `asset`.
        public var amountCents: Int64
        /// The asset.
        public var asset: String
        /// Destination address (allow-listed at the venue).
        public var destination: String
        /// Network or chain, or null.
        public var network: String?

        enum CodingKeys: String, CodingKey {
            case key, from, to, asset, destination, network
            case amountCents = "amount_cents"
        }

        /// The parameters of `request`.
        public init(_ request: TransferRequest) {
            key = request.key.rawValue
            from = request.from
            to = request.to
            amountCents = request.amount
            asset = request.asset
            destination = request.destination
            network = request.network
        }
    }

    /// `transfer.status` and `transfer.find` parameters.
    public struct KeyParams: Sendable, Equatable, Codable {
        /// The idempotency key.
        public var key: String
    }

    /// A transfer's status in a reply.
    public struct Transfer: Sendable, Equatable, Codable {
        /// The key it was submitted under.
        public var key: String
        /// `submitted`, `pending`, `settled` or `failed`.
        public var state: TransferStatus.State
        /// The venue's id for it, or null.
        public var venueId: String?
        /// Why it failed or the venue's status text, or null.
        public var reason: String?

        enum CodingKeys: String, CodingKey {
            case key, state, reason
            case venueId = "venue_id"
        }

        /// The status in the system's terms.
        public var transferStatus: TransferStatus {
            TransferStatus(key: IdempotencyKey(rawValue: key), state: state, venueID: venueId, reason: reason)
        }
    }
}
