/// How the executor follows the transfers of accepted plans through their gateways: when to
/// submit, resubmit or ask the venue, whether a reported status moves a transfer forward, and
/// whether a failed call fails the transfer or is tried again. The shell only calls the gateways
/// and writes the record.
extension Executor {
    /// How often a venue is asked about one transfer, or a submit of unknown outcome retried.
    public static let transferFollowInterval: Nanos = 2 * Nanos.perSecond

    /// How long to wait before asking the venue again after `failure`: its Retry-After when it
    /// gave one (never less than the follow interval).
    public static func delay(after failure: VenueFailure) -> Nanos {
        if case let .rateLimited(retryAfter) = failure { return max(retryAfter, transferFollowInterval) }
        return transferFollowInterval
    }

    /// Takes one transfer event at `now`.
    mutating func onTransfer(_ event: TransferEvent, now: Nanos) -> [TransferDirective] {
        switch event {
        case let .accepted(id, from, to, route):
            guard transfers[id] == nil else { return [] }
            transfers[id] = FollowedTransfer(state: .accepted, from: from, to: to, route: route)
            return drive(id)
        case let .resumed(id, state, from, to, route):
            guard transfers[id] == nil, state.rank < TransferState.settled.rank else { return [] }
            transfers[id] = FollowedTransfer(state: state, from: from, to: to, route: route)
            return []
        case let .submittingRecorded(id):
            guard let transfer = transfers[id] else { return [] }
            if transfer.state.rank < TransferState.submitting.rank { transfers[id]?.state = .submitting }
            return [.submit(id: id)]
        case let .submittingNotRecorded(id):
            transfers[id]?.inFlight = false
            return []
        case let .answered(id, call, state, reason):
            transfers[id]?.inFlight = false
            if call == .status { transfers[id]?.nextAt = now + Self.transferFollowInterval }
            return advance(id, to: state, reason: reason)
        case let .callFailed(id, call, failure, detail):
            guard transfers[id] != nil else { return [] }
            transfers[id]?.inFlight = false
            let retryIn = Self.delay(after: failure)
            switch call {
            case .submit where failure.leavesSubmitUnknown:
                // The venue may or may not hold it: asked again later through submit, which looks it up first.
                transfers[id]?.nextAt = now + retryIn
                return [.submitOutcomeUnknown(id: id, detail: detail, retryIn: retryIn)]
            case .submit:
                return advance(id, to: .failed, reason: detail)
            case .status:
                transfers[id]?.nextAt = now + retryIn
                return [.statusUnavailable(id: id, detail: detail, retryIn: retryIn)]
            }
        case let .reported(id, state, reason):
            return advance(id, to: state, reason: reason)
        case let .statusRecorded(id, state, reason):
            guard transfers[id] != nil else { return [] }
            if state.isFinal { transfers.removeValue(forKey: id) }
            return [.statusApplied(id: id, state: state, reason: reason, final: state.isFinal)]
        case let .statusNotRecorded(id, state, previous):
            if transfers[id]?.state == state { transfers[id]?.state = previous }
            return []
        }
    }

    /// From the tick: resubmits submits of unknown outcome and follows submitted transfers, each
    /// at most once per follow interval, in the order of their ids. The simulated market's
    /// receipts need no asking.
    mutating func followTransfers(now: Nanos) -> [TransferDirective] {
        var out: [TransferDirective] = []
        for id in transfers.keys.sorted() {
            guard let transfer = transfers[id], !transfer.inFlight, now >= transfer.nextAt else { continue }
            transfers[id]?.nextAt = now + Self.transferFollowInterval
            switch transfer.state {
            case .accepted, .submitting:
                out += drive(id)
            case .submitted, .pending:
                guard case .venue = transfer.route else { continue }
                transfers[id]?.inFlight = true
                out.append(.askStatus(id: id))
            case .settled, .failed, .wouldTransfer:
                continue
            }
        }
        return out
    }

    /// Submits a transfer (`submitting` recorded first) unless nothing can move it.
    private mutating func drive(_ id: String) -> [TransferDirective] {
        guard let transfer = transfers[id], !transfer.inFlight else { return [] }
        switch transfer.route {
        case .noGateway:
            return advance(id, to: .failed, reason: "no gateway moves capital out of \(transfer.from)")
        case .venue(hasDestination: false):
            return advance(id, to: .failed, reason: "\(transfer.to) has no deposit_address")
        case .simulated, .venue(hasDestination: true):
            transfers[id]?.inFlight = true
            return [.recordSubmitting(id: id)]
        }
    }

    /// A status that moves the transfer forward is taken now (before the record's write is
    /// awaited, so an older answer arriving meanwhile moves nothing) and recorded; an older
    /// answer, or the same state, changes nothing.
    private mutating func advance(_ id: String, to state: TransferState, reason: String?) -> [TransferDirective] {
        guard let transfer = transfers[id], state.rank > transfer.state.rank else { return [] }
        transfers[id]?.state = state
        return [.recordStatus(id: id, state: state, reason: reason, previous: transfer.state)]
    }
}
