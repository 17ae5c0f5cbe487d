import Testing

/// The port slices of the Makefile's concurrent test shards (`REBALANCER_TEST_SHARD=i/n`): disjoint,
/// inside the range below the kernel's ephemeral ports, and wide enough for many clusters each.
@Suite struct ShardPortsTests {
    @Test(arguments: [1, 2, 4, 5, 100])
    func theSlicesOfNShardsAreDisjointAndInsideTheRange(count: Int) throws {
        let all = try #require(Cluster.portRange(shard: nil))
        let slices = try (1...count).map { try #require(Cluster.portRange(shard: "\($0)/\(count)")) }
        for (index, slice) in slices.enumerated() {
            #expect(slice.lowerBound >= all.lowerBound && slice.upperBound <= all.upperBound, "\(slice)")
            #expect(slice.count >= 5 * 40, "shard \(index + 1)/\(count) holds at least five 40-port windows: \(slice)")
            if index > 0 { #expect(slices[index - 1].upperBound <= slice.lowerBound, "\(slices[index - 1]) and \(slice) overlap") }
        }
    }

    @Test(arguments: ["0/4", "5/4", "1/0", "1/101", "x/4", "1/", "/4", "1/4/2", "", "1"])
    func aMalformedShardIsRefused(shard: String) {
        #expect(Cluster.portRange(shard: shard) == nil)
    }
}
