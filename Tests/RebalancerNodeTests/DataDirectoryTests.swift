import Foundation
import RebalancerCore
import Testing
@testable import RebalancerNode

@Suite("DataDirectory")
struct DataDirectoryTests {
    private let mine = DataDirectoryIdentity(topologyID: "local-0a1b2c3d", node: "coordinator", signingKey: [UInt8](repeating: 1, count: 32))

    private func record(_ dir: String) -> String? {
        FileManager.default.contents(atPath: DataDirectory.recordPath(dir)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("the first open records the owner (0600, topology id, node, key); the same owner reopens it")
    func recordsAndReopens() throws {
        let dir = try TopologyFixture.temporaryDirectory() + "/data/coordinator"
        let first = try DataDirectory.open(path: dir, identity: mine)
        #expect(!first.adopted)
        first.release()
        let attributes = try FileManager.default.attributesOfItem(atPath: DataDirectory.recordPath(dir))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try #require(record(dir))
        #expect(text.contains("\"topology_id\" : \"local-0a1b2c3d\""))
        #expect(text.contains("\"node\" : \"coordinator\""))
        #expect(text.contains(String(repeating: "01", count: 32)))
        let again = try DataDirectory.open(path: dir, identity: mine)
        #expect(again.identity == mine)
        again.release()
    }

    @Test("a directory recorded for another topology, node or key is refused, naming both, and left as it was")
    func refusesAnotherOwner() throws {
        let dir = try TopologyFixture.temporaryDirectory()
        try DataDirectory.open(path: dir, identity: mine).release()
        let before = record(dir)
        var otherTopology = mine
        otherTopology.topologyID = "local-99999999"
        var otherNode = mine
        otherNode.node = "verifier-1"
        let otherKey = DataDirectoryIdentity(topologyID: mine.topologyID, node: mine.node, signingKey: [UInt8](repeating: 2, count: 32))
        for (other, what) in [(otherTopology, "another deployment"), (otherNode, "another node"), (otherKey, "another key")] {
            let error = #expect(throws: DataDirectoryError.self) { try DataDirectory.open(path: dir, identity: other) }
            #expect(error == .belongsToAnother(path: dir, recorded: mine, opening: other))
            let message = "\(error.map { "\($0)" } ?? "")"
            #expect(message.contains(what) && message.contains(dir))
            #expect(message.contains("'\(mine.topologyID)'") && message.contains("'\(other.topologyID)'"))
        }
        #expect(record(dir) == before)
    }

    @Test("while one holder has the directory, a second open is refused and names the holder's pid")
    func exclusiveLock() throws {
        let dir = try TopologyFixture.temporaryDirectory()
        let holder = try DataDirectory.open(path: dir, identity: mine)
        #expect(throws: DataDirectoryError.locked(path: dir, holder: getpid())) { try DataDirectory.open(path: dir, identity: mine) }
        holder.release()
        try DataDirectory.open(path: dir, identity: mine).release()
    }

    @Test("a directory with state but no record (made before records existed) is adopted once")
    func adoptsUnrecorded() throws {
        let dir = try TopologyFixture.temporaryDirectory()
        _ = FileManager.default.createFile(atPath: dir + "/journal.sqlite", contents: Data([1]))
        let opened = try DataDirectory.open(path: dir, identity: mine)
        #expect(opened.adopted)
        opened.release()
        let reopened = try DataDirectory.open(path: dir, identity: mine)
        #expect(!reopened.adopted)
        reopened.release()
    }

    @Test("an unreadable record is refused rather than replaced")
    func refusesUnreadableRecord() throws {
        let dir = try TopologyFixture.temporaryDirectory()
        try "not json".write(toFile: DataDirectory.recordPath(dir), atomically: true, encoding: .utf8)
        #expect(throws: DataDirectoryError.self) { try DataDirectory.open(path: dir, identity: mine) }
        #expect(record(dir) == "not json")
    }

    @Test("topology init names each deployment uniquely: local-<8 hex digits>")
    func uniqueTopologyIDs() {
        let ids = (0..<20).map { _ in TopologyInit.uniqueID() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.hasPrefix("local-") && id.count == 14)
            #expect(id.dropFirst(6).allSatisfy { $0.isHexDigit && !$0.isUppercase })
        }
    }
}
