import Crypto
import Foundation
import RebalancerCore
import Testing
@testable import RebalancerNode

private func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

private func setMode(_ path: String, _ mode: Int) throws {
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
}

@Suite("KeyStore")
struct KeysStoreTests {
    @Test("a key file is created 0600, its .pub 0644, and both read back")
    func writeAndLoad() throws {
        let dir = try TopologyFixture.temporaryDirectory() + "/keys"
        let keys = NodeKeys.generate()
        try KeyStore.write(keys, node: "verifier-1", dir: dir)
        #expect(try mode(KeyStore.secretPath(node: "verifier-1", dir: dir)) == 0o600)
        #expect(try mode(KeyStore.publicPath(node: "verifier-1", dir: dir)) == 0o644)
        #expect(try mode(dir) == 0o700)
        let loaded = try KeyStore.load(node: "verifier-1", dir: dir)
        #expect(loaded.signingSecret == keys.signingSecret && loaded.curveSecret == keys.curveSecret)
        #expect(loaded.publicKeys == keys.publicKeys)
        #expect(try KeyStore.loadPublic(node: "verifier-1", dir: dir) == keys.publicKeys)
        #expect(try KeyStore.loadPublic(node: "verifier-2", dir: dir) == nil)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("a secret key file readable by group or others is refused", arguments: [0o644, 0o640, 0o604, 0o660])
    func refusesOpenSecret(_ openMode: Int) throws {
        let dir = try TopologyFixture.temporaryDirectory()
        try KeyStore.write(NodeKeys.generate(), node: "executor-1", dir: dir)
        let path = KeyStore.secretPath(node: "executor-1", dir: dir)
        try setMode(path, openMode)
        #expect(throws: KeyStoreError.tooOpen(path: path, mode: UInt32(0o100000 | openMode))) {
            try KeyStore.load(node: "executor-1", dir: dir)
        }
        let message = String(describing: KeyStoreError.tooOpen(path: path, mode: UInt32(openMode)))
        #expect(message.contains("too open") && message.contains("chmod 600"))
    }

    @Test("existing keys are not replaced unless asked")
    func noOverwrite() throws {
        let dir = try TopologyFixture.temporaryDirectory()
        let first = NodeKeys.generate(), second = NodeKeys.generate()
        try KeyStore.write(first, node: "monitor", dir: dir)
        #expect(throws: KeyStoreError.exists(path: KeyStore.secretPath(node: "monitor", dir: dir))) {
            try KeyStore.write(second, node: "monitor", dir: dir)
        }
        #expect(try KeyStore.load(node: "monitor", dir: dir).publicKeys == first.publicKeys)
        try KeyStore.write(second, node: "monitor", dir: dir, overwrite: true)
        #expect(try KeyStore.load(node: "monitor", dir: dir).publicKeys == second.publicKeys)
        #expect(try mode(KeyStore.secretPath(node: "monitor", dir: dir)) == 0o600)
    }

    @Test("a key file whose public key does not match its secret is refused")
    func mismatchedKeyFile() throws {
        let dir = try TopologyFixture.temporaryDirectory()
        let keys = NodeKeys.generate(), other = NodeKeys.generate()
        try KeyStore.write(keys, node: "coordinator", dir: dir)
        let path = KeyStore.secretPath(node: "coordinator", dir: dir)
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: KeyText.hex(keys.signingPublic), with: KeyText.hex(other.signingPublic))
        try KeyStore.writeFile(text, to: path, mode: 0o600, overwrite: true)
        #expect(throws: KeyStoreError.malformed(path: path, reason: "signing_key does not match signing_secret")) {
            try KeyStore.load(node: "coordinator", dir: dir)
        }
        #expect(throws: KeyStoreError.self) { try KeyStore.load(node: "nobody", dir: dir) }
    }

    @Test("keys sign and derive their public halves")
    func nodeKeys() throws {
        let keys = NodeKeys.generate()
        let rebuilt = try NodeKeys(signingSecret: keys.signingSecret, curveSecret: keys.curveSecret)
        #expect(rebuilt.publicKeys == keys.publicKeys)
        let message = Array("plan".utf8)
        let signature = try keys.signingKey.signature(for: message)
        let verifier = try Curve25519.Signing.PublicKey(rawRepresentation: keys.signingPublic)
        #expect(verifier.isValidSignature(signature, for: message))
        #expect(keys.curveKeyPair.publicKey == keys.curvePublic)
        #expect(throws: (any Error).self) { try NodeKeys(signingSecret: [1, 2, 3], curveSecret: keys.curveSecret) }
        #expect(KeyText.curveKey(KeyText.z85(keys.curvePublic)) == keys.curvePublic)
        #expect(KeyText.signingKey(KeyText.hex(keys.signingPublic).uppercased()) == keys.signingPublic)
    }

    @Test("ensure generates missing keys once and leaves existing ones alone")
    func ensure() throws {
        let dir = try TopologyFixture.temporaryDirectory()
        var topology = try TopologyInit.topology(keysDir: "k", venues: 2, verifiers: 1)
        let inline = NodeKeys.generate()
        let coordinator = try #require(topology.nodes.firstIndex { $0.role == .coordinator })
        topology.nodes[coordinator].signingKey = inline.signingPublic
        topology.nodes[coordinator].curveKey = inline.curvePublic
        let path = dir + "/topology.yaml"
        try TopologyFile.render(topology).write(toFile: path, atomically: true, encoding: .utf8)
        let existing = NodeKeys.generate()
        try KeyStore.write(existing, node: "watcher-v1", dir: dir + "/k")
        let existingBytes = try Data(contentsOf: URL(fileURLWithPath: KeyStore.secretPath(node: "watcher-v1", dir: dir + "/k")))

        let generated = try KeyStore.ensure(topologyPath: path)
        #expect(generated == ["venues", "watcher-v2", "verifier-1", "executor-1", "monitor"])
        #expect(!FileManager.default.fileExists(atPath: KeyStore.secretPath(node: "coordinator", dir: dir + "/k")))
        let afterFirst = try TopologyFile.load(path: path)
        #expect(afterFirst.node("watcher-v1")?.signingKey == existing.signingPublic)
        #expect(afterFirst.coordinator?.curveKey == inline.curvePublic)

        #expect(try KeyStore.ensure(topologyPath: path).isEmpty)
        #expect(try TopologyFile.load(path: path) == afterFirst)
        let bytesAfter = try Data(contentsOf: URL(fileURLWithPath: KeyStore.secretPath(node: "watcher-v1", dir: dir + "/k")))
        #expect(bytesAfter == existingBytes)

        try FileManager.default.removeItem(atPath: KeyStore.publicPath(node: "monitor", dir: dir + "/k"))
        #expect(try KeyStore.ensure(topologyPath: path).isEmpty)
        #expect(try TopologyFile.load(path: path) == afterFirst)
    }
}
