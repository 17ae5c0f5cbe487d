import Foundation

/// A venue reached through an external adapter: a child process speaking the line protocol of
/// docs/adapters.md, started on first use and supervised. A child that dies is restarted with
/// jittered exponential backoff; one that stops answering (three timeouts in a row) is killed and
/// restarted. A `transfer.submit` left unanswered is resolved with `transfer.find` on its key
/// before anything is submitted again, so a crash never withdraws twice.
public actor ExternalAdapter: VenueReader, TransferGateway {
    /// How to run and supervise the child.
    public struct Configuration: Sendable {
        /// The command and its arguments (the first looked up on PATH).
        public var command: [String]
        /// Per-request timeout, ms.
        public var timeoutMs: Int64
        /// Timeout of the handshake, ms: starting an interpreter and loading a venue library can be slow.
        public var handshakeTimeoutMs: Int64
        /// First restart delay after a child exits or fails its handshake, ms; doubles per failure.
        public var restartBackoffMs: Int64
        /// The longest restart delay, ms.
        public var maxRestartBackoffMs: Int64
        /// Uniform randomness in [0, 1) for the backoff jitter (injected for tests).
        public var random: @Sendable () -> Double

        /// A configuration with the defaults: 10 s timeout, 30 s handshake, 250 ms first restart delay, 30 s at most.
        public init(command: [String], timeoutMs: Int64 = 10_000, handshakeTimeoutMs: Int64 = 30_000, restartBackoffMs: Int64 = 250, maxRestartBackoffMs: Int64 = 30_000, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
            self.command = command
            self.timeoutMs = timeoutMs
            self.handshakeTimeoutMs = handshakeTimeoutMs
            self.restartBackoffMs = restartBackoffMs
            self.maxRestartBackoffMs = maxRestartBackoffMs
            self.random = random
        }
    }

    /// `external`.
    public nonisolated let kind = "external"
    /// The configuration it runs with.
    public nonisolated let configuration: Configuration

    private var session: AdapterSession?
    private var startWaiters: [CheckedContinuation<Void, Never>]?
    private var lastStartError: VenueError?
    private var failures = 0
    private var consecutiveTimeouts = 0
    private var notBefore: ContinuousClock.Instant?
    private var started = 0
    private var droppedBefore = 0

    /// Children started after the first (restarts).
    public var restarts: Int { max(started - 1, 0) }
    /// Lines from children that were not well-formed replies, dropped and counted (all children).
    public var malformedLines: Int { droppedBefore + (session?.malformedLines ?? 0) }
    /// The running child's process id, if one runs.
    public var childPID: Int32? { session?.exitReason == nil ? session?.pid : nil }
    /// The handshake of the running child.
    public var hello: AdapterProtocol.Hello? { session?.hello }

    /// An adapter that starts its child on first use.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Reads the account. A child that dies mid-read is restarted and asked once more.
    public func snapshot() async throws(VenueError) -> VenueSnapshot {
        for attempt in 1...2 {
            let child = try await running(needs: .read)
            switch await child.call(AdapterProtocol.Method.snapshot.rawValue, params: nil, timeoutMs: configuration.timeoutMs) {
            case .reply(let reply):
                answered()
                guard let snapshot = try reply.result(AdapterProtocol.Snapshot.self) else { throw .malformed(field: "result", detail: "snapshot answered null") }
                if let violation = snapshot.violation() { throw violation }
                return snapshot.venueSnapshot
            case .failure(let error):
                unanswered(error, by: child)
                if attempt == 1, child.exitReason != nil { continue }
                throw error
            }
        }
        throw .unavailable("unreachable")
    }

    /// Submits `request`. When the submission goes unanswered (timeout, child died) its outcome is
    /// unknown: the key is looked up first, and only a venue that holds nothing under it gets the
    /// request again, under the same key.
    public func submit(_ request: TransferRequest) async throws(VenueError) -> TransferStatus {
        let params = AdapterProtocol.SubmitParams(request)
        var lastError = VenueError.unavailable("not submitted")
        for _ in 1...2 {
            let child = try await running(needs: .transfer)
            switch await child.call(AdapterProtocol.Method.transferSubmit.rawValue, params: params, timeoutMs: configuration.timeoutMs) {
            case .reply(let reply):
                answered()
                guard let transfer = try reply.result(AdapterProtocol.Transfer.self) else { throw .malformed(field: "result", detail: "transfer.submit answered null") }
                return transfer.transferStatus
            case .failure(let error):
                unanswered(error, by: child)
                lastError = error
                if let found = try await find(request.key) { return found }
            }
        }
        throw lastError
    }

    /// The transfer under `key`; `VenueError.notFound` when the venue has none.
    public func status(of key: IdempotencyKey) async throws(VenueError) -> TransferStatus {
        guard let transfer = try await transferCall(.transferStatus, key) else { throw .malformed(field: "result", detail: "transfer.status answered null") }
        return transfer
    }

    /// The transfer under `key`, or nil.
    public func find(_ key: IdempotencyKey) async throws(VenueError) -> TransferStatus? {
        try await transferCall(.transferFind, key)
    }

    /// Stops the child (closes its stdin; killed if it lingers).
    public func shutdown() {
        session?.stop()
        session = nil
    }

    private func transferCall(_ method: AdapterProtocol.Method, _ key: IdempotencyKey) async throws(VenueError) -> TransferStatus? {
        for attempt in 1...2 {
            let child = try await running(needs: .transfer)
            switch await child.call(method.rawValue, params: AdapterProtocol.KeyParams(key: key.rawValue), timeoutMs: configuration.timeoutMs) {
            case .reply(let reply):
                answered()
                return try reply.result(AdapterProtocol.Transfer.self)?.transferStatus
            case .failure(let error):
                unanswered(error, by: child)
                if attempt == 1, child.exitReason != nil { continue }
                throw error
            }
        }
        throw .unavailable("unreachable")
    }

    private func answered() {
        failures = 0
        consecutiveTimeouts = 0
    }

    private func unanswered(_ error: VenueError, by child: AdapterSession) {
        guard case .timeout = error, child.exitReason == nil else { return }
        consecutiveTimeouts += 1
        if consecutiveTimeouts >= 3 {
            consecutiveTimeouts = 0
            child.stop(graceMs: 0)
        }
    }

    /// The running child, starting (or restarting, after the backoff) one when there is none.
    /// Concurrent callers share one start.
    private func running(needs capability: AdapterProtocol.Capability) async throws(VenueError) -> AdapterSession {
        let child = try await running()
        guard child.hello.capabilities.contains(capability) else {
            throw .unsupported("the adapter \(child.hello.adapter) does not announce the \(capability.rawValue) capability")
        }
        return child
    }

    private func running() async throws(VenueError) -> AdapterSession {
        while true {
            if let session, session.exitReason == nil { return session }
            if startWaiters != nil {
                await withCheckedContinuation { startWaiters?.append($0) }
                if session == nil, let lastStartError { throw lastStartError }
                continue
            }
            if let session {
                droppedBefore += session.malformedLines
                self.session = nil
                failures += 1
                schedule()
            }
            startWaiters = []
            if let notBefore { try? await Task.sleep(until: notBefore) }
            do {
                session = try await AdapterSession.start(command: configuration.command, timeoutMs: configuration.handshakeTimeoutMs)
                started += 1
                lastStartError = nil
            } catch {
                lastStartError = error
                failures += 1
                schedule()
            }
            let waiters = startWaiters ?? []
            startWaiters = nil
            for waiter in waiters { waiter.resume() }
            if session == nil, let lastStartError { throw lastStartError }
        }
    }

    private func schedule() {
        let exponent = min(failures - 1, 20)
        let base = min(Double(configuration.restartBackoffMs) * pow(2, Double(max(exponent, 0))), Double(configuration.maxRestartBackoffMs))
        let delay = base * (0.5 + 0.5 * configuration.random())
        notBefore = .now + .milliseconds(Int64(delay))
    }
}
