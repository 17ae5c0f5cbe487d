import Foundation
import RebalancerNode
import Testing

/// The lease calls against a real etcd: create-if-absent holds one value, a second create is
/// refused naming the holder, a keep-alive renews, and a lease left to expire frees the key.
@Suite(.serialized) struct EtcdClientTests {
    @Test func createIfAbsentKeepAliveAndExpiry() async throws {
        guard EtcdLeadershipTests.Etcd.binary != nil else {
            // Like the Prometheus test: said loudly, not failed, where the package cannot be installed.
            print("\(#function): SKIPPED, etcd is not installed (`make test` installs Debian's etcd-server when run as root)")
            return
        }
        let directory = NSTemporaryDirectory() + "etcd-client-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let etcd = try EtcdLeadershipTests.Etcd(directory: directory)
        defer { etcd.kill() }
        let client = EtcdClient(endpoint: URL(string: etcd.clientURL)!, timeout: 0.7)
        let up = await eventually(15) { (try? await client.grant(ttlSeconds: 1)) != nil }
        try #require(up)
        let started = Date()
        let lease = try await client.grant(ttlSeconds: 1)
        print("etcd lease grant took \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        let first = try await client.createIfAbsent(key: "/t/leader", value: "c1", lease: lease)
        #expect(first.created)
        let other = try await client.grant(ttlSeconds: 1)
        let second = try await client.createIfAbsent(key: "/t/leader", value: "c2", lease: other)
        #expect(!second.created)
        #expect(second.holder == "c1")
        #expect(try await client.keepAlive(lease: lease) >= 1)
        #expect(try await client.value(of: "/t/leader") == "c1")
        // Left alone, the lease expires and the key goes with it.
        let freed = await eventually(5) { (try? await client.value(of: "/t/leader")) == .some(nil) }
        #expect(freed)
        #expect(try await client.keepAlive(lease: lease) == 0)
    }
}
