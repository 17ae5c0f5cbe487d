import Foundation
import Logging
import RebalancerCore

/// Holds (or waits for) the coordinators' leadership key in etcd, `/rebalancer/<topology>/leader`,
/// under a lease of this coordinator: it creates the key if absent, keeps its lease alive while it
/// holds it, and reports after every round who holds the key and until when that answer stands,
/// or that etcd cannot be reached. Runs beside the role, never on its decision path.
public struct LeaseCampaign: Sendable {
    /// What a round found.
    public enum Outcome: Sendable, Equatable {
        /// `holder` holds the key (nil: nobody yet), and that answer stands until `validUntil`.
        case leased(holder: NodeID?, validUntil: Nanos)
        /// etcd did not answer.
        case unreachable(String)
    }

    let client: EtcdClient
    let key: String
    let me: NodeID
    let leaseMs: Int64

    /// A campaign for `me` in `topology`'s coordination service; nil when the topology names none.
    public init?(topology: Deployment, me: NodeID) {
        guard let coordination = topology.coordination, let url = URL(string: coordination.etcd) else { return nil }
        client = EtcdClient(endpoint: url, timeout: Double(coordination.leaseMs) / 3000)
        key = "/rebalancer/\(topology.id)/leader"
        self.me = me
        leaseMs = coordination.leaseMs
    }

    /// Runs rounds every third of the lease until cancelled, reporting each outcome.
    public func run(clock: @escaping @Sendable () -> Nanos, report: @escaping @Sendable (Outcome) async -> Void) async {
        var lease: Int64?
        var holding = false
        let interval = Duration.milliseconds(leaseMs / 3)
        while !Task.isCancelled {
            let started = clock()
            do {
                if lease == nil { lease = try await client.grant(ttlSeconds: leaseMs / 1000) }
                guard let id = lease else { continue }
                // Renewed every round, held or not, so it is alive when the key comes free.
                if try await client.keepAlive(lease: id) <= 0 {
                    // Expired (etcd was away longer than the lease): start over with a new one.
                    lease = nil
                    if holding { await report(.leased(holder: nil, validUntil: started)) }
                    holding = false
                    continue
                }
                if holding {
                    // Good until the lease's end as counted from before the renewal, less a margin.
                    await report(.leased(holder: me, validUntil: started + (leaseMs * 8 / 10) * Nanos.perMillisecond))
                } else {
                    let (created, holder) = try await client.createIfAbsent(key: key, value: me, lease: id)
                    holding = created
                    // Another's hold is known to last at least until its lease could run out.
                    await report(.leased(holder: created ? me : holder, validUntil: started + leaseMs * Nanos.perMillisecond))
                }
            } catch {
                // Keep the lease and what is held: a blip is not a loss; the lease's TTL decides.
                await report(.unreachable("\(error)"))
            }
            try? await Task.sleep(for: interval)
        }
    }
}
