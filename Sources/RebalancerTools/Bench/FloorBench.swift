import Foundation
import RebalancerWire
import ZeroMQ

/// The latency floor: this process plays the watcher, and the coordinator, each verifier and the
/// executor run as minimal child processes of `executable` (`bench latency-node`). One sample at
/// a time goes the whole way; the executor reports its trace of timestamps back here.
public struct FloorBench: Sendable {
    /// What one run measured.
    public struct Result: Sendable {
        /// End to end, per sample, in nanoseconds.
        public var endToEnd: [Int64]
        /// Each segment's cost per sample, in nanoseconds.
        public var segments: [HopSegment: [Int64]]
    }

    let verifiers: Int
    let quorum: Int
    let samples: Int
    let dataDirectory: String
    let executable: URL

    /// A floor of `verifiers` verifiers with `quorum` votes, measuring `samples` samples.
    public init(verifiers: Int, quorum: Int, samples: Int, dataDirectory: String, executable: URL) {
        self.verifiers = verifiers
        self.quorum = quorum
        self.samples = samples
        self.dataDirectory = dataDirectory
        self.executable = executable
    }

    /// Starts the floor's processes, warms up, measures, and stops them.
    public func run() throws -> Result {
        let fm = FileManager.default
        try? fm.removeItem(atPath: dataDirectory)
        try fm.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let context = try Context()
        defer { context.terminate() }
        let ports = try Self.freeEndpoints(2, context: context)
        var plan = try FloorPlan.make(verifiers: verifiers, quorum: quorum, endpoints: ports, results: "", dataDirectory: dataDirectory)
        let zap = try ZAPHandler(context: context, allowedKeys: plan.clientKeys)
        defer { zap.stop() }
        let results = try FloorWire.server(context, .pull, keys: plan.watcher, bind: "tcp://127.0.0.1:*")
        defer { results.close() }
        plan.results = results.lastEndpoint
        let planPath = dataDirectory + "/plan.json"
        try plan.write(to: planPath)
        var children: [Process] = []
        defer {
            // SIGKILL: a child inherits a signal mask with SIGTERM blocked, and holds nothing worth a graceful stop.
            for child in children where child.isRunning { kill(child.processIdentifier, SIGKILL) }
            for child in children { child.waitUntilExit() }
        }
        children.append(try spawn(planPath, .coordinator, 0))
        for index in 0..<verifiers { children.append(try spawn(planPath, .verifier, index)) }
        children.append(try spawn(planPath, .executor, 0))
        let states = try FloorWire.client(context, .push, keys: plan.watcher, server: plan.coordinator, connect: plan.coordinatorInbound)
        defer { states.close() }
        let key = try SigningKey(seed: plan.watcher.signingSeed)
        var sample: UInt64 = 0

        /// Sends one state and waits up to `timeoutMs` for its trace.
        func once(timeoutMs: Int32) throws -> [Int64]? {
            sample += 1
            let observed = FloorWire.now()
            let body = FloorWire.body(sample: sample, size: plan.sizes.state, tag: 0x73)
            try states.send([FloorNode.stateTag, body, key.sign(body), FloorWire.encode([observed])], dontWait: false)
            try results.setReceiveTimeout(timeoutMs)
            while let frames = try results.receive(dontWait: false) {
                if let exited = children.first(where: { !$0.isRunning }) {
                    throw FloorError("a floor process exited with status \(exited.terminationStatus); see \(dataDirectory)")
                }
                guard frames.count == 3, FloorWire.sample(of: frames[1]) == sample else { continue }  // a late one
                return FloorWire.decode(frames[2])
            }
            if let exited = children.first(where: { !$0.isRunning }) {
                throw FloorError("a floor process exited with status \(exited.terminationStatus); see \(dataDirectory)")
            }
            return nil
        }

        // Warm up until every subscription is in place: ten answers in a row, within 20 s.
        let deadline = Date().addingTimeInterval(20)
        var streak = 0
        while streak < 10 {
            guard Date() < deadline else { throw FloorError("the floor's processes did not answer within 20 s; see \(dataDirectory)") }
            streak = try once(timeoutMs: 300) == nil ? 0 : streak + 1
        }
        var result = Result(endToEnd: [], segments: [:])
        var lost = 0
        while result.endToEnd.count < samples {
            guard let trace = try once(timeoutMs: 2000) else {
                lost += 1
                if lost > 10 { throw FloorError("more than 10 samples lost; see \(dataDirectory)") }
                continue
            }
            // observed, received, proposed, quorum, journaled, published, executor verified.
            guard trace.count == 7 else { throw FloorError("a trace of \(trace.count) timestamps, not 7") }
            result.endToEnd.append(trace[6] - trace[0])
            for (offset, segment) in HopSegment.allCases.enumerated() {
                result.segments[segment, default: []].append(trace[offset + 1] - trace[offset])
            }
        }
        return result
    }

    private func spawn(_ planPath: String, _ role: FloorNode.Role, _ index: Int) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["bench", "latency-node", "--plan", planPath, "--role", role.rawValue, "--index", "\(index)"]
        let log = dataDirectory + "/\(role.rawValue)-\(index).log"
        guard FileManager.default.createFile(atPath: log, contents: nil) else { throw FloorError("cannot create \(log)") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Loopback endpoints free a moment ago (bound to port 0, read back, closed).
    static func freeEndpoints(_ count: Int, context: Context) throws -> [String] {
        let sockets = try (0..<count).map { _ in
            let socket = try Socket(context, .pull)
            try socket.bind("tcp://127.0.0.1:*")
            return socket
        }
        defer { sockets.forEach { $0.close() } }
        return sockets.map(\.lastEndpoint)
    }
}
