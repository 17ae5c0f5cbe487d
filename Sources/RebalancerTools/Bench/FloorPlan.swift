import Foundation
import RebalancerWire
import ZeroMQ

/// What every process of the latency floor needs: endpoints, message sizes, the quorum, and keys
/// (fresh for each run). The bench writes it as a 0600 JSON file that each floor process reads.
public struct FloorPlan: Codable, Sendable {
    /// A CURVE key pair and an Ed25519 seed, raw bytes.
    public struct Keys: Codable, Sendable {
        /// CURVE public key.
        public var curvePublic: [UInt8]
        /// CURVE secret key.
        public var curveSecret: [UInt8]
        /// Ed25519 seed.
        public var signingSeed: [UInt8]

        /// Fresh keys.
        static func generate() throws -> Keys {
            let curve = try CurveKeyPair.generate()
            return Keys(curvePublic: curve.publicKey, curveSecret: curve.secretKey, signingSeed: SigningKey().seed)
        }

        /// The Ed25519 public key.
        var signingPublic: [UInt8] { get throws { try SigningKey(seed: signingSeed).publicKey } }
    }

    /// Bytes of each message body, about what the real envelopes carry; the approved plan carries
    /// the proposal and the quorum's votes with their signatures on top.
    public struct Sizes: Codable, Sendable {
        /// A watcher's signed venue state.
        public var state = 256
        /// The coordinator's proposal.
        public var proposal = 512
        /// A verifier's vote.
        public var vote = 160
    }

    /// The coordinator's inbound (PULL, states and votes).
    public var coordinatorInbound: String
    /// The coordinator's outbound (PUB, proposals and approved plans).
    public var coordinatorOutbound: String
    /// The bench's result socket (PULL; the executor reports each sample's trace).
    public var results: String
    /// Verifiers in the topology.
    public var verifiers: Int
    /// Approvals the coordinator waits for and the executor checks.
    public var quorum: Int
    /// Message sizes.
    public var sizes = Sizes()
    /// Where the durable writes go (one file per process).
    public var dataDirectory: String
    /// The bench itself, playing the watcher.
    public var watcher: Keys
    /// The coordinator.
    public var coordinator: Keys
    /// One per verifier.
    public var verifierKeys: [Keys]
    /// The executor.
    public var executor: Keys

    /// Every CURVE public key of the run, which the servers' ZAP handlers admit.
    var clientKeys: Set<[UInt8]> { Set(([watcher, coordinator, executor] + verifierKeys).map(\.curvePublic)) }

    /// A plan with fresh keys.
    public static func make(verifiers: Int, quorum: Int, endpoints: [String], results: String, dataDirectory: String) throws -> FloorPlan {
        FloorPlan(
            coordinatorInbound: endpoints[0], coordinatorOutbound: endpoints[1], results: results, verifiers: verifiers, quorum: quorum,
            dataDirectory: dataDirectory, watcher: try .generate(), coordinator: try .generate(),
            verifierKeys: try (0..<verifiers).map { _ in try .generate() }, executor: try .generate()
        )
    }

    /// Writes the plan (it holds secrets) as a 0600 file.
    public func write(to path: String) throws {
        let data = try JSONEncoder().encode(self)
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw FloorError("cannot write \(path)")
        }
    }

    /// Reads a plan written by `write(to:)`.
    public static func read(from path: String) throws -> FloorPlan {
        try JSONDecoder().decode(FloorPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// A failure of the latency floor, with a message for the operator.
public struct FloorError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
