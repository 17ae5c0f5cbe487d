import Logging
import ServiceLifecycle
import ZeroMQ

extension NodeRuntime {
    /// Hands each inbound message to `handler`, one at a time, with conflated topics resolved to
    /// their newest message. A finished stream still yields what it buffered; once cancelled
    /// (shutdown), the backlog is left.
    public func deliver(_ inbound: AsyncStream<SocketLoop.Inbound>, to handler: some RoleHandler) async {
        await handler.consume(inbound, from: transport)
    }
}

extension RoleHandler {
    /// `NodeRuntime.deliver`, isolated to the handler: the stream resumes this loop on the
    /// handler's own executor (the socket thread, for a role on `NodeRuntime.executor`), so a
    /// message goes from its socket to `handle` without another thread in between.
    func consume(_ inbound: AsyncStream<SocketLoop.Inbound>, from transport: any NodeTransport) async {
        for await entry in inbound {
            if Task.isCancelled { break }
            let message = transport.resolve(entry)
            if message.frames.isEmpty { continue }
            await handle(message)
        }
    }
}

/// The logic of one role inside its process: it handles inbound messages and periodic ticks,
/// one at a time (an actor), and learns when the process is about to stop.
public protocol RoleHandler: Actor {
    /// Handles one inbound multipart message.
    func handle(_ inbound: SocketLoop.Inbound) async
    /// Handles a tick: the one `nextTick` asked for.
    func tick() async
    /// How long after this tick the next is due, as the role's core last scheduled it; nil for a
    /// role without a core that keeps time (it ticks every `RoleService.tickInterval`).
    var nextTick: Duration? { get }
    /// Called once before the sockets close.
    func stopping() async
}

extension RoleHandler {
    /// Nothing to do by default.
    public func stopping() async {}
    /// No schedule of its own by default.
    public var nextTick: Duration? { nil }
}

/// Runs a role as a `Service`: the socket loop's inbound stream and its ticks feed the handler
/// until graceful shutdown (SIGTERM, SIGINT), then the sockets close with a linger so the last
/// messages leave. A role whose core keeps time says when its next tick is due (`nextTick`); the
/// service only sleeps that long.
public struct RoleService<Handler: RoleHandler>: Service {
    /// The process's runtime.
    public let runtime: NodeRuntime
    /// The role's logic.
    public let handler: Handler
    /// How often `tick()` runs for a role whose core schedules no tick (`nextTick` nil).
    public let tickInterval: Duration

    /// Creates the service; `tickInterval` (default: the topology's heartbeat) only for a role
    /// whose core schedules no tick of its own.
    public init(runtime: NodeRuntime, handler: Handler, tickInterval: Duration? = nil) {
        self.runtime = runtime
        self.handler = handler
        self.tickInterval = tickInterval ?? .milliseconds(runtime.topology.timing.heartbeatMs)
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async throws {
        let inbound = runtime.start()
        let handler = handler
        let interval = tickInterval
        runtime.logger.info("started", metadata: ["role": "\(runtime.node.role.rawValue)", "node": "\(runtime.node.id)"])
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await runtime.deliver(inbound, to: handler) }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: await handler.nextTick ?? interval)
                        if Task.isCancelled { break }
                        // Messages the socket loop discarded (handler behind) or conflated: counted, and logged.
                        runtime.recordLoopDrops()
                        await handler.tick()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        await handler.stopping()
        await runtime.shutdown()
        runtime.logger.info("stopped", metadata: ["counters": "\(runtime.counters.snapshot.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"])
    }
}
