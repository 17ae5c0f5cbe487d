import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire

/// `rebalancer rotation`: hand the verifier quorum over to a new set, signed by the current one.
struct RotationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotation",
        abstract: "Prepare, sign and check a verifier-set rotation (see docs/trust.md).",
        subcommands: [Prepare.self, Sign.self, Check.self]
    )

    static func read(_ path: String) throws -> WireSignedRotation {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        guard let signed = try? WireSignedRotation(serializedBytes: data), signed.decoded != nil else {
            throw ValidationError("\(path) is not a signed rotation")
        }
        return signed
    }

    /// `rotation prepare`: the unsigned handover from the current topology's set to the next one's.
    struct Prepare: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an unsigned rotation from the current topology's verifier set to the new topology's.")
        @Option(help: "The topology in force.") var current: String
        @Option(help: "The topology with the new verifier set; its epoch must be the current one plus one.") var next: String
        @Option(help: "How long the old set's signatures stay valid after activation, in milliseconds.") var graceMs: Int64 = 60_000
        @Option(help: "Activation time, Unix nanoseconds (default: now).") var activateAt: Int64?
        @Option(help: "Where to write the rotation.") var out: String

        func run() throws {
            let from = try TopologyFile.load(path: current), to = try TopologyFile.load(path: next)
            guard to.id == from.id else { throw ValidationError("--next is topology '\(to.id)', not '\(from.id)'") }
            guard to.epoch == from.epoch + 1 else { throw ValidationError("--next has epoch \(to.epoch); it must be \(from.epoch + 1)") }
            guard graceMs >= 0 else { throw ValidationError("--grace-ms must not be negative") }
            var signed = WireSignedRotation()
            signed.rotation = try WireRotation(from: from.policy, to: to.policy, activateAt: activateAt ?? WallClock().now(), graceMs: graceMs).serializedBytes()
            try signed.serializedData().write(to: URL(fileURLWithPath: out))
            print("wrote \(out): epoch \(from.epoch) -> \(to.epoch), \(to.quorum) of \(to.verifiers.count); needs \(from.quorum) signatures of the current set")
        }
    }

    /// `rotation sign`: one current verifier's approval, with its own key.
    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a current verifier's signature to a rotation.")
        @Option(help: "The topology in force.") var topology: String
        @Option(help: "The signing verifier's node id.") var id: String
        @Argument(help: "The rotation file, signed in place.") var file: String

        func run() throws {
            let current = try TopologyFile.load(path: topology)
            guard current.node(id)?.role == .verifier else { throw ValidationError("'\(id)' is not a verifier of \(topology)") }
            var signed = try RotationCommand.read(file)
            let rotation = signed.decoded!
            guard rotation.topologyID == current.id, rotation.fromEpoch == current.epoch else {
                throw ValidationError("the rotation starts from \(rotation.topologyID)/\(rotation.fromEpoch), not \(current.id)/\(current.epoch)")
            }
            let keys = try KeyStore.load(node: id, dir: TopologyFile.keysDirectory(of: current, baseDirectory: TopologyFile.directory(of: topology)))
            signed.sign(as: id, key: try keys.signer())
            try signed.serializedData().write(to: URL(fileURLWithPath: file))
            print("signed by \(id): \(signed.validSigners(of: VerifierSet(topology: current.policy)).count) of \(current.quorum) needed")
        }
    }

    /// `rotation check`: would an executor of this topology accept it?
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a rotation against the topology in force; exit 1 unless an executor would accept it.")
        @Option(help: "The topology in force.") var topology: String
        @Argument(help: "The rotation file.") var file: String

        func run() throws {
            let current = try TopologyFile.load(path: topology)
            let signed = try RotationCommand.read(file)
            var sets = VerifierSets(topology: current.policy)
            let signers = signed.validSigners(of: sets.current)
            switch sets.apply(signed.decoded!, validSigners: signers, now: WallClock().now()) {
            case .success:
                print("ok: epoch \(current.epoch) -> \(sets.current.summary); signed by \(signers.sorted().joined(separator: ","))")
            case let .failure(reason):
                print("refused: \(reason.rawValue) (valid signers: \(signers.sorted().joined(separator: ",")), need \(current.quorum))")
                throw ExitCode(1)
            }
        }
    }
}
