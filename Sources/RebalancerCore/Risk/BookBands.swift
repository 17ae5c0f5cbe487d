/// Bands that share the book's capital evenly: every venue with a position is kept near the
/// book's ratio, the capital of every venue (counting transfers in flight) over the maintenance
/// margin of every position.
///
/// A hedged book gains on one leg what it loses on the other, so its capital stays put while the
/// margin it must cover follows the price. Fixed bands (a 2× trigger, a 3× target) ask the legs
/// to hold more than the book has once the price rose, and let a leg fall to 2× before anything
/// moves; without sight of the path, the most a schedule can do against a move of either sign is
/// to keep every leg as far from its maintenance margin as the capital allows: all at the book's
/// ratio `R`. A venue asks when its ratio falls `triggerGap` below `R`, to `R`; a venue above `R`
/// gives what it holds above it (and, when a venue below its trigger cannot otherwise be served,
/// lends down to its own trigger). The topology's floors still hold. Pure: the same views give
/// the same bands, so a verifier that sees the whole book recomputes them
/// (`Strategy.plansFromWholeBook`).
public struct BookBands: Sendable, Equatable {
    /// How far below the book's ratio, in maintenance margins, a venue falls before it asks.
    public var triggerGap: Double
    /// The lowest trigger, in maintenance margins: a book thinner than this still refills a leg
    /// before it reaches its margin.
    public var minimumTrigger: Double

    /// The bands `balanced` plans with.
    public static let standard = BookBands(triggerGap: 0.25, minimumTrigger: 1.05)

    /// Creates bands.
    public init(triggerGap: Double, minimumTrigger: Double) {
        self.triggerGap = triggerGap
        self.minimumTrigger = minimumTrigger
    }

    /// The book's ratio: every venue's balance counting capital in flight, over the maintenance
    /// margin of every position; nil when no venue holds a position.
    public func bookRatio(_ views: [VenueID: VenueView]) -> Double? {
        var capital = 0.0
        var margin = 0.0
        for view in views.values {
            capital += Double(max(0, view.effectiveBalance))
            margin += Double(max(0, view.state.maintenanceMargin))
        }
        guard margin > 0, capital.isFinite else { return nil }
        return capital / margin
    }

    /// The topology with every viewed venue's target at the book's ratio and its trigger
    /// `triggerGap` below (at least `minimumTrigger`); the topology itself when no venue holds a
    /// position. Upper bands are kept above the target.
    public func apply(views: [VenueID: VenueView], topology: Topology) -> Topology {
        guard let ratio = bookRatio(views) else { return topology }
        var banded = topology
        for index in banded.venues.indices where views[banded.venues[index].id] != nil {
            let target = max(ratio, minimumTrigger)
            banded.venues[index].targetRatio = target
            banded.venues[index].lowerBand = max(minimumTrigger, target - triggerGap)
            banded.venues[index].upperBand = max(banded.venues[index].upperBand, target + triggerGap)
        }
        return banded
    }
}
