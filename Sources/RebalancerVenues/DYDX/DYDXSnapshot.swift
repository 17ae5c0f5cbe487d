import Foundation

extension DYDXReader {
    /// Maps a subaccount and the markets to a snapshot. The indexer reports no margin
    /// requirement, so both are derived: maintenance = Σ |size| × oraclePrice ×
    /// maintenanceMarginFraction, initial likewise with initialMarginFraction, and the snapshot is
    /// marked `.derived`. Withdrawals are off when the subaccount's `marginEnabled` is false or a
    /// market it holds is in `FINAL_SETTLEMENT` (the chain's own 50-block gating after a
    /// negative-collateral account or an outage is not visible in the indexer).
    public static func snapshot(_ subaccount: DYDXResponses.Subaccount, markets: [String: DYDXResponses.PerpetualMarket]) throws(VenueError) -> VenueSnapshot {
        var maintenance = Decimal(0)
        var initial = Decimal(0)
        var positions: [VenueSnapshot.Position] = []
        var withdrawalsEnabled = subaccount.marginEnabled ?? true
        for name in subaccount.openPerpetualPositions.keys.sorted() {
            let position = subaccount.openPerpetualPositions[name]!
            let field = "subaccount.openPerpetualPositions.\(name)"
            guard let market = markets[position.market] else {
                throw .malformed(field: "markets.\(position.market)", detail: "missing: the market of an open position")
            }
            let marketField = "markets.\(position.market)"
            let magnitude = try VenueJSON.decimal(position.size, field: field + ".size").magnitude
            let price = try VenueJSON.decimal(market.oraclePrice, field: marketField + ".oraclePrice")
            let mmf = try VenueJSON.decimal(market.maintenanceMarginFraction, field: marketField + ".maintenanceMarginFraction")
            let imf = try VenueJSON.decimal(market.initialMarginFraction, field: marketField + ".initialMarginFraction")
            maintenance += magnitude * price * mmf
            initial += magnitude * price * imf
            let signed: Decimal
            switch position.side {
            case "LONG": signed = magnitude
            case "SHORT": signed = -magnitude
            default: throw .malformed(field: field + ".side", detail: "\"\(position.side)\" is neither LONG nor SHORT")
            }
            if market.status == "FINAL_SETTLEMENT" { withdrawalsEnabled = false }
            positions.append(VenueSnapshot.Position(
                market: position.market, size: NSDecimalNumber(decimal: signed).doubleValue,
                markPrice: NSDecimalNumber(decimal: price).doubleValue
            ))
        }
        let heightText = subaccount.latestProcessedBlockHeight ?? subaccount.updatedAtHeight
        guard let height = UInt64(heightText) else {
            throw .malformed(field: "subaccount.latestProcessedBlockHeight", detail: "\"\(heightText)\" is not a block height")
        }
        return VenueSnapshot(
            equity: try VenueJSON.cents(subaccount.equity, field: "subaccount.equity"),
            maintenanceMargin: try VenueJSON.cents(maintenance, field: "maintenance margin"),
            initialMargin: try VenueJSON.cents(initial, field: "initial margin"),
            withdrawable: try VenueJSON.cents(subaccount.freeCollateral, field: "subaccount.freeCollateral"),
            withdrawalsEnabled: withdrawalsEnabled,
            positions: positions,
            venueSequence: height,
            marginSource: .derived
        )
    }
}
