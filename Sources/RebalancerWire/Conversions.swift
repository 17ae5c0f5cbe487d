import Foundation
import RebalancerCore

/// Generated wire types, named for the rest of the system.
public typealias WireVenueState = Rebalancer_V1_VenueState
/// The wire plan.
public typealias WirePlan = Rebalancer_V1_Plan
/// The wire proposal.
public typealias WireProposal = Rebalancer_V1_Proposal
/// The wire vote.
public typealias WireVote = Rebalancer_V1_Vote
/// The wire approved plan.
public typealias WireApprovedPlan = Rebalancer_V1_ApprovedPlan
/// The wire transfer status.
public typealias WireTransferStatus = Rebalancer_V1_TransferStatus
/// The wire heartbeat.
public typealias WireHeartbeat = Rebalancer_V1_Heartbeat
/// The wire replay request.
public typealias WireReplayRequest = Rebalancer_V1_ReplayRequest
/// The wire transfer order.
public typealias WireTransferOrder = Rebalancer_V1_TransferOrder
/// The wire order receipt.
public typealias WireOrderReceipt = Rebalancer_V1_OrderReceipt
/// The wire market tick.
public typealias WireMarketTick = Rebalancer_V1_MarketTick

extension VenueState {
    /// The wire form.
    public var wire: WireVenueState {
        var w = WireVenueState()
        w.venue = venue
        w.seq = seq
        w.observedAtNs = observedAt
        w.balance = balance
        w.maintenanceMargin = maintenanceMargin
        w.initialMargin = initialMargin
        w.markPrice = markPrice
        w.volatility = volatility
        w.positionSize = positionSize
        w.depth = depth
        w.withdrawalsEnabled = withdrawalsEnabled
        w.pendingIn = pendingIn
        w.pendingOut = pendingOut
        w.pendingTransfers = pendingTransfers
        w.settledTransfers = settledTransfers
        w.utilisationTrend = utilisationTrend
        return w
    }

    /// From the wire form.
    public init(wire w: WireVenueState) {
        self.init(
            venue: w.venue, seq: w.seq, observedAt: w.observedAtNs, balance: w.balance,
            maintenanceMargin: w.maintenanceMargin, initialMargin: w.initialMargin, markPrice: w.markPrice,
            volatility: w.volatility, positionSize: w.positionSize, depth: w.depth,
            withdrawalsEnabled: w.withdrawalsEnabled, pendingIn: w.pendingIn, pendingOut: w.pendingOut,
            pendingTransfers: w.pendingTransfers, settledTransfers: w.settledTransfers,
            utilisationTrend: w.utilisationTrend
        )
    }
}

extension Plan {
    /// The wire form, transfers in canonical order.
    public var wire: WirePlan {
        var w = WirePlan()
        w.topologyID = topologyID
        w.epoch = epoch
        w.planSeq = planSeq
        w.createdAtNs = createdAt
        w.expiresAtNs = expiresAt
        w.transfers = Plan.canonical(transfers).map { t in
            var wt = Rebalancer_V1_Transfer()
            wt.from = t.from
            wt.to = t.to
            wt.amount = t.amount
            return wt
        }
        w.basis = basis.map { b in
            var wb = Rebalancer_V1_BasisRef()
            wb.venue = b.venue
            wb.seq = b.seq
            wb.observedAtNs = b.observedAt
            wb.digest = Data(b.digest)
            return wb
        }
        w.triggerVenue = triggerVenue
        w.triggerObservedAtNs = triggerObservedAt
        w.strategy = strategy
        return w
    }

    /// From the wire form.
    public init(wire w: WirePlan) {
        self.init(
            topologyID: w.topologyID, epoch: w.epoch, planSeq: w.planSeq, createdAt: w.createdAtNs,
            expiresAt: w.expiresAtNs,
            transfers: w.transfers.map { Transfer(from: $0.from, to: $0.to, amount: $0.amount) },
            basis: w.basis.map { BasisRef(venue: $0.venue, seq: $0.seq, observedAt: $0.observedAtNs, digest: Array($0.digest)) },
            triggerVenue: w.triggerVenue, triggerObservedAt: w.triggerObservedAtNs, strategy: w.strategy
        )
    }
}

extension VoteDecision {
    /// The wire form.
    public var wire: Rebalancer_V1_Decision {
        switch self {
        case .approve: .approve
        case .reject: .reject
        case .abstain: .abstain
        }
    }

    /// From the wire form; nil for an unspecified or unknown decision.
    public init?(wire: Rebalancer_V1_Decision) {
        switch wire {
        case .approve: self = .approve
        case .reject: self = .reject
        case .abstain: self = .abstain
        default: return nil
        }
    }
}
