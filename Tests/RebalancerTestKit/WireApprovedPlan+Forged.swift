import Foundation
import RebalancerCore
import RebalancerWire

extension WireApprovedPlan {
    /// An approved plan carrying whatever approvals it is given (valid or forged), as a hostile
    /// coordinator publishes it: the byzantine tests, in memory and over real processes.
    public init(_ plan: Plan, approvals: [(NodeID, [UInt8])], previous: UInt64) {
        self.init()
        self.plan = plan.wire
        previousPlanSeq = previous
        self.approvals = approvals.map { id, signature in
            var approval = Rebalancer_V1_Approval()
            approval.verifier = id
            approval.signature = Data(signature)
            return approval
        }
    }
}
