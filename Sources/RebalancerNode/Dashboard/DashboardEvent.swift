import Foundation

/// What the dashboard page receives on its event stream: one JSON object per server-sent event,
/// named by `kind` (the SSE `event:` field). Money is in whole units of the asset (dollars),
/// times are wall-clock milliseconds since 1970.
public enum DashboardEvent: Sendable, Equatable {
    /// The deployment: sent first on every stream.
    case hello(Hello)
    /// A venue's verified state (or its going stale).
    case venue(VenuePoint)
    /// An approved plan with each verifier's vote.
    case plan(PlanShown)
    /// An executor's transfer status.
    case transfer(TransferShown)
    /// Something an operator must see.
    case alert(Alert)

    /// The SSE event name.
    public var kind: String {
        switch self {
        case .hello: "hello"
        case .venue: "venue"
        case .plan: "plan"
        case .transfer: "transfer"
        case .alert: "alert"
        }
    }

    /// The event as one SSE message: `event: <kind>` and one `data:` line of JSON.
    public var serverSentText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data?
        switch self {
        case let .hello(value): data = try? encoder.encode(value)
        case let .venue(value): data = try? encoder.encode(value)
        case let .plan(value): data = try? encoder.encode(value)
        case let .transfer(value): data = try? encoder.encode(value)
        case let .alert(value): data = try? encoder.encode(value)
        }
        // JSON never holds a raw newline, so one data line carries the whole object.
        return "event: \(kind)\ndata: \(String(decoding: data ?? Data("{}".utf8), as: UTF8.self))\n\n"
    }

    /// The deployment the page draws.
    public struct Hello: Codable, Sendable, Equatable {
        /// Topology id.
        public var topology: String
        /// The monitor node serving the page.
        public var node: String
        /// Every venue, in topology order.
        public var venues: [String]
        /// Every verifier of the current set.
        public var verifiers: [String]
        /// Approvals a plan needs.
        public var quorum: Int
        /// How long the page's charts look back, in seconds.
        public var windowSeconds: Int
    }

    /// One venue's figures at one moment.
    public struct VenuePoint: Codable, Sendable, Equatable {
        /// Venue id.
        public var venue: String
        /// The watcher's sequence number.
        public var seq: UInt64
        /// When the watcher observed it.
        public var observedAtMs: Double
        /// Collateral balance.
        public var balance: Double
        /// Maintenance margin required.
        public var maintenanceMargin: Double
        /// Initial margin required.
        public var initialMargin: Double
        /// Maintenance margin plus the venue's floor buffer: no transfer draws the balance below it.
        public var floor: Double
        /// The balance at the lower band (maintenance margin × lower band ratio).
        public var lowerBand: Double
        /// The balance at the target ratio.
        public var target: Double
        /// The balance at the upper band.
        public var upperBand: Double
        /// Balance over maintenance margin (0 without a position).
        public var ratio: Double
        /// Capital in flight towards the venue.
        public var pendingIn: Double
        /// Capital in flight out of the venue.
        public var pendingOut: Double
        /// Withdrawals open.
        public var withdrawalsEnabled: Bool
        /// No fresh state within the topology's staleness bound.
        public var stale: Bool
    }

    /// One verifier's part in an approved plan.
    public struct VoteShown: Codable, Sendable, Equatable {
        /// The verifier.
        public var verifier: String
        /// `approve` with a valid signature over the plan's digest, `invalid` for a signature that
        /// does not check, `none` when its approval is not in the quorum the coordinator gathered.
        public var vote: String
    }

    /// One transfer of a plan.
    public struct TransferLine: Codable, Sendable, Equatable {
        /// Source venue.
        public var from: String
        /// Destination venue.
        public var to: String
        /// Amount.
        public var amount: Double
    }

    /// An approved plan as the executors will see it.
    public struct PlanShown: Codable, Sendable, Equatable {
        /// Plan sequence number.
        public var seq: UInt64
        /// When the coordinator created it (signed by its quorum).
        public var createdAtMs: Double
        /// When the dashboard received the approved plan.
        public var receivedAtMs: Double
        /// The venue whose state set it off.
        public var trigger: String
        /// The strategy that computed it.
        public var strategy: String
        /// Its transfers.
        public var transfers: [TransferLine]
        /// Every verifier of the set, with its vote.
        public var votes: [VoteShown]
    }

    /// A transfer's status from an executor.
    public struct TransferShown: Codable, Sendable, Equatable {
        /// Executor.
        public var executor: String
        /// Plan sequence number.
        public var planSeq: UInt64
        /// Index of the transfer in the plan (-1: the plan as a whole).
        public var index: Int32
        /// Transfer id.
        public var id: String
        /// received, submitted, settled, failed, ...
        public var state: String
        /// The executor's note.
        public var detail: String
        /// When the executor reported it.
        public var atMs: Double
        /// Trigger observed by the watcher → received by the executor, when this status says so.
        public var decisionLatencyMs: Double?
    }

    /// Something wrong, or worth a look.
    public struct Alert: Codable, Sendable, Equatable {
        /// stale_venue, venue_fresh, quorum_unreachable, plan_rejected, liquidation, transfer_failed.
        public var kind: String
        /// The venue, plan or node it is about.
        public var subject: String
        /// What happened, for a person.
        public var message: String
        /// When the dashboard noticed.
        public var atMs: Double
    }
}
