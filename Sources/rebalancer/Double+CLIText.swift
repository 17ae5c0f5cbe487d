extension Double {
    /// The number as a user typed it: `-1`, `0.5`, `nan` (no trailing `.0`).
    var cliText: String {
        if isFinite, rounded() == self, abs(self) < 1e15 { return String(Int64(self)) }
        return "\(self)"
    }
}
