import Foundation
import Logging
import RebalancerCore
import RebalancerNode
import RebalancerWire
import ZeroMQ

/// Several nodes of one deployment wired in one process over a `MemoryNetwork`, driven by a
/// `ManualClock`: `settle()` hands every waiting message to its role until none is left, and
/// `advance(by:)` moves the clock to each tick that falls due, ticks that role, and settles.
/// Nothing runs on its own, so a scenario is deterministic and takes milliseconds.
///
/// The topology is `TopologyInit`'s, with fresh keys held in memory; journals and ledgers go to
/// `/dev/shm` (or the temporary directory), removed at `deinit`.
public final class MemoryCluster {
    /// The deployment.
    public let topology: Deployment
    /// Every node's secret keys.
    public let keys: [NodeID: NodeKeys]
    /// The network.
    public let network: MemoryNetwork
    /// The clock every node reads.
    public let clock: ManualClock
    /// Where journals, ledgers and records go.
    public let directory: String
    /// Every node's log lines (at `.info` and above).
    public let log = MemoryLog()

    private struct Member {
        let runtime: NodeRuntime
        let transport: MemoryTransport
        let handler: any RoleHandler
        /// The period of a role whose core schedules no tick of its own.
        let interval: Nanos
        var due: Nanos
    }

    private var members: [NodeID: Member] = [:]
    private var order: [NodeID] = []

    /// A deployment of `venues` venues, `verifiers` verifiers (quorum `quorum`), `coordinators`
    /// coordinators and `executors` executors; `configure` may change the topology (market
    /// balances, limits, timing) before any node exists.
    public init(venues: Int = 4, verifiers: Int = 4, quorum: Int? = nil, coordinators: Int = 1, executors: Int = 1,
                configure: (inout Deployment) -> Void = { _ in }) throws {
        var topology = try TopologyInit.topology(id: "memory", venues: venues, verifiers: verifiers, quorum: quorum, executors: executors, coordinators: coordinators)
        var keys: [NodeID: NodeKeys] = [:]
        for index in topology.nodes.indices {
            let generated = NodeKeys.generate()
            keys[topology.nodes[index].id] = generated
            topology.nodes[index].signingKey = generated.signingPublic
            topology.nodes[index].curveKey = generated.curvePublic
        }
        configure(&topology)
        self.topology = topology
        self.keys = keys
        network = MemoryNetwork(admitted: Set(topology.nodes.map(\.curveKey)))
        clock = ManualClock()
        directory = Self.scratch + "rebalancer-memory-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Where clusters keep their files: `/dev/shm` when it is there (memory: a journal's or a
    /// ledger's fsync costs nothing, and a scenario never cuts the power, so durability is not what
    /// it checks; about a third of the role scenarios' time on a busy disk), else the temporary directory.
    static let scratch: String = {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue,
           FileManager.default.isWritableFile(atPath: "/dev/shm") { return "/dev/shm/" }
        return NSTemporaryDirectory()
    }()

    deinit {
        for id in order { members[id]?.transport.stop() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A node's data directory (created).
    public func dataDirectory(_ id: NodeID) -> String {
        let path = directory + "/" + id
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A runtime for node `id` on the network (its transport not yet started; its sockets are
    /// made by the role). Logs go to `log`, or to standard output when `REBALANCER_TEST_LOG` is set.
    public func runtime(_ id: NodeID) throws -> NodeRuntime {
        guard let node = topology.node(id), let keys = keys[id] else { throw MemoryClusterError("no node \(id)") }
        let transport = network.transport(key: keys.curvePublic)
        let logger = ProcessInfo.processInfo.environment["REBALANCER_TEST_LOG"] == nil
            ? Logger(label: id, factory: { [log] _ in log.handler(for: id) })
            : Logger(label: id)
        return NodeRuntime(topology: topology, node: node, signer: try keys.signer(), transport: transport, logger: logger, clock: clock)
    }

    /// Adds a role (built on `runtime(_:)`'s runtime), first ticking after `interval`. Afterwards it
    /// ticks when its core schedules (`nextTick`), or, for a role whose core keeps no time, every
    /// `interval`, as `RoleService` runs it.
    public func add(_ runtime: NodeRuntime, _ handler: any RoleHandler, every interval: Duration) throws {
        guard let transport = runtime.transport as? MemoryTransport else { throw MemoryClusterError("\(runtime.node.id) is not on the memory network") }
        let nanos = ManualClock.nanos(interval)
        if members[runtime.node.id] == nil { order.append(runtime.node.id) }
        members[runtime.node.id] = Member(runtime: runtime, transport: transport, handler: handler, interval: nanos, due: clock.now() + nanos)
    }

    /// The runtime of a node added to the cluster.
    public func member(_ id: NodeID) -> NodeRuntime? { members[id]?.runtime }

    /// The role of a node added to the cluster.
    public func role(_ id: NodeID) -> (any RoleHandler)? { members[id]?.handler }

    /// Stops a node: gracefully (`stopping()` first, as on SIGTERM) or not (`crash: true`, as on
    /// SIGKILL); its endpoints are free for a restart.
    public func stop(_ id: NodeID, crash: Bool = false) async {
        guard let member = members.removeValue(forKey: id) else { return }
        order.removeAll { $0 == id }
        if !crash { await member.handler.stopping() }
        member.transport.stop()
    }

    /// Hands every waiting message to its role, node by node in the order they were added, until
    /// no message waits; returns how many were handled. `limit` bounds a scenario that would never settle.
    @discardableResult
    public func settle(limit: Int = 100_000) async -> Int {
        var handled = 0
        var rounds = 0
        while handled < limit, rounds < limit {
            rounds += 1
            var any = false
            for id in order {
                guard let member = members[id] else { continue }
                for inbound in member.transport.take() {
                    any = true
                    handled += 1
                    await member.handler.handle(member.transport.resolve(inbound))
                }
            }
            // Nothing waits: let tasks a role started (an executor drives each transfer in a task of
            // its own) run, and go on if they sent something.
            if !any, await !othersSent() { break }
        }
        return handled
    }

    /// True when a task outside the cluster's loop sent something within a few yields and one
    /// short sleep (bounded: it waits about a millisecond when nothing comes).
    private func othersSent() async -> Bool {
        for _ in 0..<16 {
            if membersPending > 0 { return true }
            await Task.yield()
        }
        if membersPending > 0 { return true }
        try? await Task.sleep(for: .milliseconds(1))
        return membersPending > 0
    }

    /// Messages waiting for a role of the cluster (a test's own transports are read by the test).
    private var membersPending: Int { members.values.reduce(0) { $0 + $1.transport.pendingCount } }

    /// Ticks every node once now, in order, and settles.
    public func tickAll() async {
        for id in order {
            guard let member = members[id] else { continue }
            member.runtime.recordLoopDrops()
            await member.handler.tick()
            await settle()
        }
    }

    /// Moves the clock forward by `duration`, stopping at each tick that falls due on the way
    /// (ticking that node and settling), then settles.
    public func advance(by duration: Duration) async {
        let target = clock.now() + ManualClock.nanos(duration)
        await settle()
        while let (id, due) = order.compactMap({ id in members[id].map { (id, $0.due) } }).min(by: { $0.1 < $1.1 }), due <= target {
            if due > clock.now() { clock.advance(by: .nanoseconds(due - clock.now())) }
            guard var member = members[id] else { continue }
            member.runtime.recordLoopDrops()
            await member.handler.tick()
            // The core said when it wants the next tick (the role service sleeps as long).
            member.due = due + (await member.handler.nextTick.map(ManualClock.nanos) ?? member.interval)
            members[id] = member
            await settle()
        }
        if target > clock.now() { clock.advance(by: .nanoseconds(target - clock.now())) }
    }
}

/// A misuse of `MemoryCluster`.
public struct MemoryClusterError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
