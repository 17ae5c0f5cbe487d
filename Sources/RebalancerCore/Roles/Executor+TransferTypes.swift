extension Executor {
    /// Where a transfer stands in the executor's record; the raw value is what the record's
    /// `state` column holds.
    public enum TransferState: String, Sendable, CaseIterable {
        /// Recorded with its plan; nothing sent yet.
        case accepted
        /// About to be submitted (recorded first, so a crash re-submits under the same key).
        case submitting
        /// The source venue accepted it.
        case submitted
        /// The venue says it is under way.
        case pending
        /// Arrived.
        case settled
        /// Will not happen.
        case failed
        /// Monitor-only: reported, never submitted.
        case wouldTransfer = "would_transfer"

        /// Its place in the order a transfer goes through the states (final ones last).
        public var rank: Int {
            switch self {
            case .accepted: 0
            case .submitting: 1
            case .submitted: 2
            case .pending: 3
            case .settled, .failed: 4
            case .wouldTransfer: 5
            }
        }

        /// Settled or failed: nothing more happens to it.
        public var isFinal: Bool { self == .settled || self == .failed }
    }

    /// What can move a transfer's capital out of its source venue, as the shell's gateways say.
    public enum TransferRoute: Sendable, Equatable {
        /// No gateway moves capital out of the source venue: the transfer fails.
        case noGateway
        /// The simulated market: its receipts report the status, nothing is asked.
        case simulated
        /// A real venue's gateway; `hasDestination` is whether the destination venue has a deposit address.
        case venue(hasDestination: Bool)
    }

    /// Which call to a venue's gateway.
    public enum VenueCall: Sendable, Equatable {
        /// Submit the transfer (the gateway looks its key up first).
        case submit
        /// Ask what became of it.
        case status
    }

    /// How a venue call failed, one case for each of the venue adapters' errors.
    public enum VenueFailure: Sendable, Equatable {
        /// The venue asked to slow down: nothing before `retryAfter` (nanoseconds).
        case rateLimited(retryAfter: Nanos)
        /// Credentials refused.
        case unauthorized
        /// No answer within the timeout.
        case timeout
        /// A server error, or the venue could not be reached.
        case unavailable
        /// An answer not in the venue's documented shape.
        case malformed
        /// The venue refused the request itself.
        case rejected
        /// No transfer under that key.
        case notFound
        /// The adapter cannot do this.
        case unsupported

        /// Whether a submit that failed this way may still have reached the venue (so it is
        /// looked up again later, never failed): no answer, or one that could not be read.
        public var leavesSubmitUnknown: Bool {
            switch self {
            case .rateLimited, .timeout, .unavailable, .malformed: true
            case .unauthorized, .rejected, .notFound, .unsupported: false
            }
        }
    }

    /// A transfer being driven through its gateway, as the core follows it.
    public struct FollowedTransfer: Sendable, Equatable {
        /// Where it stands (taken before the record's write is awaited, given back if it fails).
        public var state: TransferState
        /// Source venue.
        public var from: String
        /// Destination venue.
        public var to: String
        /// What moves it.
        public var route: TransferRoute
        /// A submit or status request is awaiting the venue: no second one meanwhile.
        public var inFlight = false
        /// Not before this time is the venue asked again.
        public var nextAt: Nanos = 0
    }

    /// What happens to a transfer being followed.
    public enum TransferEvent: Sendable, Equatable {
        /// A transfer the record accepted just now: driven at once.
        case accepted(id: String, from: String, to: String, route: TransferRoute)
        /// A transfer recorded but not final before a restart: driven again from the first tick.
        case resumed(id: String, state: TransferState, from: String, to: String, route: TransferRoute)
        /// The record holds `submitting`: submit now.
        case submittingRecorded(id: String)
        /// The record refused `submitting`: nothing is submitted (tried again from a later tick).
        case submittingNotRecorded(id: String)
        /// The venue answered a call with this state.
        case answered(id: String, VenueCall, state: TransferState, reason: String?)
        /// A call to the venue failed; `detail` is the adapter's description, for the record and the log.
        case callFailed(id: String, VenueCall, VenueFailure, detail: String)
        /// A status the venue sent unasked (the simulated market's receipt).
        case reported(id: String, state: TransferState, reason: String?)
        /// The record holds the state `.recordStatus` asked for.
        case statusRecorded(id: String, state: TransferState, reason: String?)
        /// The record refused it: the transfer goes back to `previous`.
        case statusNotRecorded(id: String, state: TransferState, previous: TransferState)
    }

    /// What the shell does for a transfer being followed.
    public enum TransferDirective: Sendable, Equatable {
        /// Record `submitting`, then report `.submittingRecorded` or `.submittingNotRecorded`.
        case recordSubmitting(id: String)
        /// Submit through the source venue's gateway; report `.answered` or `.callFailed`.
        case submit(id: String)
        /// Ask the source venue's gateway what became of it; report `.answered` or `.callFailed`.
        case askStatus(id: String)
        /// Record this state, then report `.statusRecorded` or `.statusNotRecorded`.
        case recordStatus(id: String, state: TransferState, reason: String?, previous: TransferState)
        /// The record holds a new state: count, publish and log it; a final one ends the transfer.
        case statusApplied(id: String, state: TransferState, reason: String?, final: Bool)
        /// A submit whose outcome is unknown: its key is looked up again after `retryIn`, before any resubmission.
        case submitOutcomeUnknown(id: String, detail: String, retryIn: Nanos)
        /// The venue could not say what became of it: asked again after `retryIn`.
        case statusUnavailable(id: String, detail: String, retryIn: Nanos)
    }
}
