import RebalancerCore

extension HindsightPath {
    /// The latency-aware check of `canKeepEveryVenue(through:)`, made affordable on long paths: the
    /// path is cut into overlapping windows, and each window is checked from the book's pooled
    /// capital at its first tick (`canKeepEveryVenue(from:through:)`).
    ///
    /// Still a lower bound on liquidations ("cannot keep" is a proof): each window is a relaxation
    /// of the whole path (the capital at its start may be placed anywhere, transfers in flight count
    /// as landed), so a window no schedule survives is a path no schedule survives. It may say
    /// "can keep" where the whole-path check says not (a shortage built up over more than a window),
    /// which only makes the bound weaker, never wrong.
    ///
    /// Windows start every `step` ticks, `lead` ticks before the stretch they cover, and run `step +
    /// reach` ticks past it, so every stretch of `reach` ticks lies in one window that starts at
    /// least `lead` ticks earlier (capital can be placed ahead of the move, as the whole-path
    /// schedule would). A window is solved only when it is tight: when the capital pooled at its
    /// start is less than the sum, over venues, of what each needs at that start to stay above
    /// maintenance through the window on its own mark-to-market with no transfer at all. Otherwise
    /// holding those amounts is a schedule, and the window is kept without a flow.
    public func canKeepEveryVenueWindowed(through horizon: Int, step: Int? = nil, lead: Int? = nil, reach: Int? = nil) -> Bool {
        let h = min(max(0, horizon), ticks)
        guard !accounts.isEmpty, !prices.isEmpty, h > 0 else { return canKeepEveryVenue(through: h) }
        let latency = latencyTicks()
        let lead = max(1, lead ?? 4 * latency)
        let reach = max(1, reach ?? 4 * latency)
        let step = max(1, step ?? 2 * reach)
        var covered = 0
        while covered < h {
            let first = max(0, covered - lead)
            let last = min(h, covered + step + reach)
            if isTight(from: first, through: last), !canKeepEveryVenue(from: first, through: last) { return false }
            covered += step
        }
        return true
    }

    /// Ticks the slowest route takes at the path's average tick spacing (at least 1).
    func latencyTicks() -> Int {
        guard ticks > 0, let first = times.first, let last = times.last, last > first else { return 1 }
        let spacing = Double(last - first) / Double(ticks)
        let slowest = Double(routes.map(\.latencyMs).max() ?? 0) * Double(Nanos.perMillisecond)
        return max(1, Int((slowest / spacing).rounded(.up)))
    }

    /// True unless the capital pooled at `first` covers every venue's need through `last` with no
    /// transfer (each venue holding at `first` the most its margin ever exceeds its own
    /// mark-to-market since `first`). From tick 0 the capital is not pooled: every venue must hold
    /// its need itself.
    func isTight(from first: Int, through last: Int) -> Bool {
        var pooled = 0.0
        var needed = 0.0
        let slack = Double(last - first + 2)  // a cent of rounding per tick separates this from the flow's integer cents
        for a in accounts {
            let base = Double(a.balance) + a.position * (prices[first] - prices[0]) * 100
            pooled += base
            var need = 0.0
            for k in first...last {
                let margin = abs(a.position) * prices[k] * a.maintenanceRate * 100
                need = max(need, margin - a.position * (prices[k] - prices[first]) * 100)
            }
            if first == 0, need + slack >= base { return true }
            needed += need
        }
        return first == 0 ? false : needed + slack * Double(accounts.count) >= pooled
    }
}
