import RebalancerCore

/// A deterministic random number generator: xoshiro256** seeded through SplitMix64.
///
/// The same seed gives the same stream of `UInt64`s on every platform; `nextUniform()` and
/// `nextGaussian()` are built from it with IEEE arithmetic and `PortableMath` only, so they replay
/// bit for bit too. Never seeded from the system: the caller passes the seed in.
public struct SeededRandom: RandomNumberGenerator, Sendable, Equatable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64
    /// The second normal deviate of the last polar draw, returned by the next `nextGaussian()`.
    private var spareGaussian: Double?

    /// Creates a generator whose 256-bit state is the first four outputs of SplitMix64 from `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = nextSplitMix()
        s1 = nextSplitMix()
        s2 = nextSplitMix()
        s3 = nextSplitMix()
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform deviate in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal deviate (mean 0, variance 1).
    ///
    /// Uses Marsaglia's polar form of Box-Muller, which needs only `sqrt` (correctly rounded by
    /// IEEE 754) and a logarithm (`PortableMath.log`), not `sin`/`cos`, so that it is reproducible
    /// across platforms. Deviates come in pairs; the second is kept for the next call.
    public mutating func nextGaussian() -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let factor = (-2 * PortableMath.log(s) / s).squareRoot()
            spareGaussian = v * factor
            return u * factor
        }
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 &- k))
    }
}
