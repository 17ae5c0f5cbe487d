import RebalancerCore

/// A list of seeds as the command line writes it: `7`, `1-32`, `1,5,9-12`.
public enum SeedList {
    /// Largest number of seeds one list may name.
    public static let maximumCount = 10_000

    /// The seeds of `text`, in the order written, without repeats; nil with a reason when it is not
    /// a list of seeds or ranges `a-b` with `a ≤ b`.
    public static func parse(_ text: String) -> Result<[UInt64], SeedListError> {
        var seeds: [UInt64] = []
        var seen: Set<UInt64> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 1 || bounds.count == 2, let low = UInt64(bounds[0]), let high = UInt64(bounds[bounds.count - 1]) else {
                return .failure(SeedListError(text: text, problem: "'\(part)' is not a seed or a range like 1-32"))
            }
            guard low <= high else { return .failure(SeedListError(text: text, problem: "range '\(part)' ends before it starts")) }
            guard high - low < UInt64(maximumCount), seeds.count + Int(high - low) < maximumCount else {
                return .failure(SeedListError(text: text, problem: "more than \(maximumCount) seeds"))
            }
            for seed in low...high where seen.insert(seed).inserted { seeds.append(seed) }
        }
        return .success(seeds)
    }
}

/// Why a seed list was refused.
public struct SeedListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The list as given.
    public var text: String
    /// What is wrong with it.
    public var problem: String
    /// For example `seeds '1-x': '1-x' is not a seed or a range like 1-32`.
    public var description: String { "seeds '\(text)': \(problem)" }
}
