/// An exponentially weighted trend of a venue's utilisation (maintenance margin over balance),
/// per second, as a watcher computes it from the states it reads. It lets a strategy act before
/// a venue crosses its band, and because the watcher signs it, verifiers recompute from the same
/// figure.
public struct UtilisationTrend: Sendable {
    /// Weight of the newest observation.
    public var alpha: Double
    /// The current trend, utilisation per second.
    public private(set) var value: Double = 0
    private var last: (utilisation: Double, at: Nanos)?

    /// Creates a trend with smoothing `alpha` in (0, 1].
    public init(alpha: Double = 0.2) { self.alpha = alpha }

    /// Takes one observation and returns the updated trend.
    public mutating func update(maintenanceMargin: Amount, balance: Amount, at: Nanos) -> Double {
        let utilisation = balance > 0 ? Double(maintenanceMargin) / Double(balance) : 1
        defer { last = (utilisation, at) }
        guard let last, at > last.at else { return value }
        let slope = (utilisation - last.utilisation) / (Double(at - last.at) / 1e9)
        value = alpha * slope + (1 - alpha) * value
        return value
    }
}
