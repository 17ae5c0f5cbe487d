/// Reads one venue account's margin snapshot. The simulated market, the native adapters and
/// external adapters (a child process speaking docs/adapters.md) each implement it.
///
/// A read either returns a complete snapshot or throws a `VenueError`: an error response, a
/// timeout or a missing field never becomes a zero balance.
public protocol VenueReader: Sendable {
    /// The adapter kind, as written in the topology (`hyperliquid`, `binance-usdm`, `dydx-v4`, `external`, `simulated`).
    var kind: String { get }
    /// Reads the account now (retrying inside the venue's rate budget as the adapter's policy says).
    func snapshot() async throws(VenueError) -> VenueSnapshot
}
