extension VerifierSets {
    /// Equal when the topology, the current set and the previous set with its deadline are equal.
    public static func == (lhs: VerifierSets, rhs: VerifierSets) -> Bool {
        lhs.topologyID == rhs.topologyID && lhs.current == rhs.current
            && lhs.previous?.set == rhs.previous?.set && lhs.previous?.until == rhs.previous?.until
    }
}
