import RebalancerVenues
import Testing

@Suite("Idempotency keys")
struct IdempotencyKeyTests {
    @Test func sameTransferSameKey() {
        #expect(IdempotencyKey(topologyID: "desk-a1", planSeq: 42, index: 1) == IdempotencyKey(topologyID: "desk-a1", planSeq: 42, index: 1))
        #expect(IdempotencyKey(topologyID: "desk-a1", planSeq: 42, index: 1).rawValue == "rb-desk-a1-42-1")
    }

    @Test func differsByTopologyPlanAndIndex() {
        let keys: Set = [
            IdempotencyKey(topologyID: "a", planSeq: 1, index: 0), IdempotencyKey(topologyID: "b", planSeq: 1, index: 0),
            IdempotencyKey(topologyID: "a", planSeq: 2, index: 0), IdempotencyKey(topologyID: "a", planSeq: 1, index: 1),
        ]
        #expect(keys.count == 4)
    }

    @Test func longOrOddTopologyIdsStayWithinVenueLimits() {
        let key = IdempotencyKey(topologyID: String(repeating: "x", count: 200), planSeq: UInt64.max, index: 999)
        #expect(key.rawValue.count <= 64)
        #expect(key.rawValue.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        let odd = IdempotencyKey(topologyID: "désk_1/α", planSeq: 3, index: 0)
        #expect(odd.rawValue.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
    }
}
