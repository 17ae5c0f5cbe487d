/// What a role process's log says about plans.
enum LogPlanSeqs {
    /// The plan sequences in `log`'s lines whose message is `marker` ("approved", not "plan not approved").
    static func planSeqs(_ log: String, _ marker: String) -> [UInt64] {
        log.split(separator: "\n").filter { $0.hasSuffix("] " + marker) }.compactMap { line in
            guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("plan_seq=") }) else { return nil }
            return UInt64(field.dropFirst("plan_seq=".count))
        }
    }
}
