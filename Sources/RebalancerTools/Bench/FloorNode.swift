import Foundation
import RebalancerWire
import ZeroMQ

/// One process of the latency floor (`rebalancer bench latency-node`): the coordinator, a
/// verifier or the executor, reduced to what their hops cost on the wire: CURVE sockets, the same
/// Ed25519 signatures and verifications, a write + fsync per durable step, and nothing else. Each
/// runs one blocking loop on its own thread until the bench stops it or goes away.
public enum FloorNode {
    /// Which process.
    public enum Role: String, Sendable, CaseIterable {
        /// Verifies the state, proposes (signed; no write first, as the real path reserves ahead), collects a quorum of votes,
        /// appends (durable) and publishes the approved plan (signed).
        case coordinator
        /// Verifies the proposal, writes its ledger (durable), votes (signed).
        case verifier
        /// Verifies the approved plan and its quorum of votes, records it (durable), reports the trace.
        case executor
    }

    static let stateTag = Array("s".utf8), proposalTag = Array("p".utf8), voteTag = Array("v".utf8)
    static let approvedTag = Array("a".utf8), resultTag = Array("r".utf8)

    /// Runs `role` (with `index` among the verifiers) on the plan at `planPath` until the parent exits or a signal stops it.
    public static func run(planPath: String, role: Role, index: Int) throws {
        let plan = try FloorPlan.read(from: planPath)
        guard role != .verifier || plan.verifierKeys.indices.contains(index) else { throw FloorError("no verifier \(index) in the plan") }
        let context = try Context()
        let parent = getppid()
        switch role {
        case .coordinator: try coordinator(plan, context, parent: parent)
        case .verifier: try verifier(plan, index, context, parent: parent)
        case .executor: try executor(plan, context, parent: parent)
        }
    }

    /// The next message, or nil once the parent has gone.
    private static func next(_ socket: Socket, parent: pid_t) throws -> [[UInt8]]? {
        while true {
            if let frames = try socket.receive(dontWait: false) { return frames }
            if getppid() != parent { return nil }
        }
    }

    private static func coordinator(_ plan: FloorPlan, _ context: Context, parent: pid_t) throws {
        let zap = try ZAPHandler(context: context, allowedKeys: plan.clientKeys)
        defer { zap.stop() }
        let inbound = try FloorWire.server(context, .pull, keys: plan.coordinator, bind: plan.coordinatorInbound)
        let outbound = try FloorWire.server(context, .pub, keys: plan.coordinator, bind: plan.coordinatorOutbound)
        try inbound.setReceiveTimeout(500)
        let key = try SigningKey(seed: plan.coordinator.signingSeed)
        let watcher = try plan.watcher.signingPublic
        let verifiers = try plan.verifierKeys.map { try $0.signingPublic }
        let journal = try FloorWire.DurableFile(path: plan.dataDirectory + "/coordinator.journal")
        // Per sample: the trace so far, the proposal and its signature, the votes counted.
        var pending: [UInt64: (trace: [Int64], proposal: [UInt8], signature: [UInt8], votes: [[UInt8]])] = [:]
        while let frames = try next(inbound, parent: parent) {
            guard frames.count == 4 else { continue }
            let (tag, body, signature) = (frames[0], frames[1], frames[2])
            let sample = FloorWire.sample(of: body)
            if tag == stateTag {
                guard SignatureCheck.isValid(signature, of: body, publicKey: watcher) else { continue }
                let received = FloorWire.now()
                // No write before proposing: the real coordinator reserves plan sequences ahead, between events.
                let proposal = FloorWire.body(sample: sample, size: plan.sizes.proposal, tag: 0x70)
                let proposalSignature = key.sign(proposal)
                let trace = FloorWire.decode(frames[3]) + [received, FloorWire.now()]
                try outbound.send([proposalTag, proposal, proposalSignature, FloorWire.encode(trace)], dontWait: false)
                pending[sample] = (trace, proposal, proposalSignature, [])
                pending = pending.filter { $0.key + 64 > sample }
            } else if tag == voteTag, body.count > 8, verifiers.indices.contains(Int(body[8])) {
                guard SignatureCheck.isValid(signature, of: body, publicKey: verifiers[Int(body[8])]) else { continue }
                guard var entry = pending[sample], entry.votes.count < plan.quorum else { continue }
                // The approval inside the vote, over the plan's digest, as the real coordinator checks it.
                guard SignatureCheck.isValid(Array(body.suffix(64)), of: FloorWire.digest(ofSigned: entry.signature), publicKey: verifiers[Int(body[8])]) else { continue }
                entry.votes.append(body + signature)
                pending[sample] = entry
                guard entry.votes.count == plan.quorum else { continue }
                let quorum = FloorWire.now()
                let approved = entry.proposal + entry.signature + entry.votes.joined()
                try journal.append(approved)  // the append before publishing
                let journaled = FloorWire.now()
                let approvedSignature = key.sign(approved)
                let trace = entry.trace + [quorum, journaled, FloorWire.now()]
                try outbound.send([approvedTag, approved, approvedSignature, FloorWire.encode(trace)], dontWait: false)
            }
        }
    }

    private static func verifier(_ plan: FloorPlan, _ index: Int, _ context: Context, parent: pid_t) throws {
        let keys = plan.verifierKeys[index]
        let proposals = try FloorWire.client(context, .sub, keys: keys, server: plan.coordinator, connect: plan.coordinatorOutbound)
        try proposals.subscribe(proposalTag)
        try proposals.setReceiveTimeout(500)
        let votes = try FloorWire.client(context, .push, keys: keys, server: plan.coordinator, connect: plan.coordinatorInbound)
        let key = try SigningKey(seed: keys.signingSeed)
        let coordinator = try plan.coordinator.signingPublic
        let ledger = try FloorWire.DurableFile(path: plan.dataDirectory + "/verifier-\(index).ledger")
        while let frames = try next(proposals, parent: parent) {
            guard frames.count == 4, SignatureCheck.isValid(frames[2], of: frames[1], publicKey: coordinator) else { continue }
            try ledger.append(frames[1])
            // A vote carries its approval (a signature over the plan's digest) and is itself signed: two signatures, as a real vote.
            var vote = FloorWire.body(sample: FloorWire.sample(of: frames[1]), size: max(plan.sizes.vote, 73), tag: 0x76)
            vote[8] = UInt8(index)
            vote.replaceSubrange((vote.count - 64)..., with: key.sign(FloorWire.digest(ofSigned: frames[2])))
            try votes.send([voteTag, vote, key.sign(vote), []], dontWait: false)
        }
    }

    private static func executor(_ plan: FloorPlan, _ context: Context, parent: pid_t) throws {
        let plans = try FloorWire.client(context, .sub, keys: plan.executor, server: plan.coordinator, connect: plan.coordinatorOutbound)
        try plans.subscribe(approvedTag)
        try plans.setReceiveTimeout(500)
        let results = try FloorWire.client(context, .push, keys: plan.executor, server: plan.watcher, connect: plan.results)
        let coordinator = try plan.coordinator.signingPublic
        let verifiers = try plan.verifierKeys.map { try $0.signingPublic }
        let record = try FloorWire.DurableFile(path: plan.dataDirectory + "/executor.record")
        let voteSize = max(plan.sizes.vote, 73), voteLength = voteSize + 64, votesStart = plan.sizes.proposal + 64
        while let frames = try next(plans, parent: parent) {
            guard frames.count == 4, SignatureCheck.isValid(frames[2], of: frames[1], publicKey: coordinator) else { continue }
            let approved = frames[1]
            guard approved.count == votesStart + plan.quorum * voteLength else { continue }
            // Each vote's approval over the plan's digest, as the real executor checks a quorum.
            let digest = FloorWire.digest(ofSigned: Array(approved[plan.sizes.proposal..<votesStart]))
            var voters: Set<Int> = []
            for n in 0..<plan.quorum {
                let vote = Array(approved[(votesStart + n * voteLength)..<(votesStart + n * voteLength + voteSize)])
                let voter = Int(vote[8])
                if verifiers.indices.contains(voter), SignatureCheck.isValid(Array(vote.suffix(64)), of: digest, publicKey: verifiers[voter]) { voters.insert(voter) }
            }
            guard voters.count == plan.quorum else { continue }
            try record.append(approved)
            let trace = FloorWire.decode(frames[3]) + [FloorWire.now()]
            try results.send([resultTag, Array(approved.prefix(8)), FloorWire.encode(trace)], dontWait: false)
        }
    }
}
