import Foundation

extension HyperliquidReader {
    /// Maps a clearinghouse state (and, for a unified account, the spot state whose USDC backs
    /// the perpetuals) to a snapshot. The maintenance margin is the venue's
    /// `crossMaintenanceMarginUsed`; the mark price is `positionValue / |szi|`.
    public static func snapshot(
        perp: HyperliquidResponses.ClearinghouseState, spot: HyperliquidResponses.SpotClearinghouseState?
    ) throws(VenueError) -> VenueSnapshot {
        var equity = try VenueJSON.cents(perp.marginSummary.accountValue, field: "marginSummary.accountValue")
        var withdrawable = try VenueJSON.cents(perp.withdrawable, field: "withdrawable")
        if let spot {
            guard let index = spot.balances.firstIndex(where: { $0.coin == "USDC" }) else {
                throw .malformed(field: "balances", detail: "no USDC balance in the unified account")
            }
            let usdc = spot.balances[index]
            let total = try VenueJSON.decimal(usdc.total, field: "balances[\(index)].total")
            let hold = try VenueJSON.decimal(usdc.hold, field: "balances[\(index)].hold")
            equity += try VenueJSON.cents(total, field: "balances[\(index)].total")
            withdrawable += try VenueJSON.cents(total - hold, field: "balances[\(index)].hold")
        }
        var positions: [VenueSnapshot.Position] = []
        for (index, entry) in perp.assetPositions.enumerated() {
            let field = "assetPositions[\(index)].position"
            let size = try VenueJSON.decimal(entry.position.szi, field: field + ".szi")
            let value = try VenueJSON.decimal(entry.position.positionValue, field: field + ".positionValue")
            let mark = size == 0 ? Decimal(0) : value / size.magnitude
            positions.append(VenueSnapshot.Position(
                market: entry.position.coin,
                size: NSDecimalNumber(decimal: size).doubleValue,
                markPrice: NSDecimalNumber(decimal: mark).doubleValue,
                liquidationPrice: try entry.position.liquidationPx.map { text throws(VenueError) in try VenueJSON.double(text, field: field + ".liquidationPx") }
            ))
        }
        return VenueSnapshot(
            equity: equity,
            maintenanceMargin: try VenueJSON.cents(perp.crossMaintenanceMarginUsed, field: "crossMaintenanceMarginUsed"),
            initialMargin: try VenueJSON.cents(perp.marginSummary.totalMarginUsed, field: "marginSummary.totalMarginUsed"),
            withdrawable: withdrawable,
            withdrawalsEnabled: true,
            positions: positions,
            venueSequence: perp.time,
            marginSource: .reported
        )
    }
}
