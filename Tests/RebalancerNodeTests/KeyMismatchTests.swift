import RebalancerCore
import Testing
@testable import RebalancerNode

@Suite("Key check against the topology")
struct KeyMismatchTests {
    @Test("keys whose public halves the topology lists pass; another node's keys are refused naming node, file and key")
    func check() throws {
        let keys = NodeKeys.generate()
        let node = Topology.Node(id: "verifier-1", role: .verifier, signingKey: keys.signingPublic, curveKey: keys.curvePublic)
        try keys.check(against: node, keyFile: "/k/verifier-1.key")

        let other = NodeKeys.generate()
        let error = #expect(throws: KeyMismatchError.self) { try other.check(against: node, keyFile: "/k/verifier-1.key") }
        #expect(error?.node == "verifier-1")
        #expect(error?.differences.count == 2)
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("node verifier-1") && message.contains("/k/verifier-1.key") && message.contains("refusing to start"))
        #expect(message.contains(KeyText.hex(node.signingKey)) && message.contains(KeyText.hex(other.signingPublic)))

        var curveOnly = node
        curveOnly.curveKey = other.curvePublic
        let curveError = #expect(throws: KeyMismatchError.self) { try keys.check(against: curveOnly, keyFile: "/k/verifier-1.key") }
        #expect(curveError?.differences.count == 1 && curveError?.differences.first?.hasPrefix("curve key") == true)
    }
}
