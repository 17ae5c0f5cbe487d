import RebalancerCore

extension Market {
    /// The fee the market charges for `amount` on `route`: the route's fee, clamped to the amount.
    public static func fee(on route: Topology.Route, amount: Amount) -> Amount {
        min(max(route.fee(for: amount), 0), amount)
    }

    /// Accepts or refuses a transfer of `amount` from one venue to another at `now`.
    ///
    /// On acceptance the source is debited `amount` at once, the route fee (clamped to the amount)
    /// is charged, and `amount - fee` is credited at the destination by the first `settleDue` or
    /// `tick` at or after the returned due time, `now + route.latencyMs` milliseconds. A transfer id
    /// is accepted at most once: resubmitting it is refused as a duplicate before any other check.
    /// A refusal changes nothing.
    public mutating func submit(
        transferID: String, from: VenueID, to: VenueID, amount: Amount, now: Nanos
    ) -> Result<Nanos, TransferRejection> {
        if acceptedIDs.contains(transferID) { return .failure(.duplicateTransferID(transferID)) }
        guard let source = index[from] else { return .failure(.unknownVenue(from)) }
        guard let destination = index[to] else { return .failure(.unknownVenue(to)) }
        let r = routeTable[source * venues.count + destination]
        guard r >= 0 else { return .failure(.noRoute(from: from, to: to)) }
        guard amount > 0 else { return .failure(.nonPositiveAmount(amount)) }
        guard withdrawalsEnabled[source] else { return .failure(.withdrawalsDisabled(from)) }
        guard balances[source] >= amount else {
            return .failure(.insufficientBalance(venue: from, available: balances[source], requested: amount))
        }
        let route = routes[r]
        let fee = Self.fee(on: route, amount: amount)
        let credited = amount - fee
        let due = now + max(route.latencyMs, 0) * Nanos.perMillisecond
        balances[source] -= amount
        feesPaid += fee
        pendingOut[source] += amount
        pendingIn[destination] += credited
        acceptedIDs.insert(transferID)
        let transfer = InFlightTransfer(
            id: transferID, from: source, to: destination, amount: amount, credited: credited, due: due
        )
        var slot = inFlight.endIndex
        while slot > inFlight.startIndex, inFlight[slot - 1].due > due { slot -= 1 }
        inFlight.insert(transfer, at: slot)
        return .success(due)
    }

    /// Credits every transfer due at or before `now`, in due order, and returns one `.settled`
    /// event for each. Called by `tick`; a live process may also call it between ticks.
    public mutating func settleDue(now: Nanos) -> [Event] {
        guard let first = inFlight.first, first.due <= now else { return [] }
        var count = 0
        var events: [Event] = []
        while count < inFlight.count, inFlight[count].due <= now {
            let transfer = inFlight[count]
            balances[transfer.to] += transfer.credited
            pendingIn[transfer.to] -= transfer.credited
            pendingOut[transfer.from] -= transfer.amount
            remember(transfer.id, at: transfer.from)
            remember(transfer.id, at: transfer.to)
            transfersSettled += 1
            events.append(.settled(
                transferID: transfer.id, from: venues[transfer.from], to: venues[transfer.to],
                credited: transfer.credited
            ))
            count += 1
        }
        inFlight.removeFirst(count)
        return events
    }

    /// Suspends or resumes withdrawals at a venue; returns false for an unknown venue.
    @discardableResult
    public mutating func setWithdrawals(venue: VenueID, enabled: Bool) -> Bool {
        guard let i = index[venue] else { return false }
        withdrawalsEnabled[i] = enabled
        return true
    }

    /// Adds a settled transfer id to a venue's recent list, keeping the last `recentSettledLimit`.
    private mutating func remember(_ id: String, at venue: Int) {
        recentSettled[venue].append(id)
        if recentSettled[venue].count > Market.recentSettledLimit {
            recentSettled[venue].removeFirst(recentSettled[venue].count - Market.recentSettledLimit)
        }
    }
}
