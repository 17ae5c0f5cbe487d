/// The standard normal distribution, with IEEE arithmetic and `PortableMath` only (bit-reproducible).
public enum NormalDistribution {
    /// Φ(x), the probability that a standard normal is at most `x` (absolute error below 1.2e-7).
    ///
    /// From the complementary error function of Numerical Recipes (`erfcc`, a Chebyshev fit).
    public static func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        let z = abs(x) / 2.0.squareRoot()
        let t = 1 / (1 + 0.5 * z)
        var poly = 0.170_872_77
        for c in [-0.822_152_23, 1.488_515_87, -1.135_203_98, 0.278_868_07, -0.186_288_06, 0.096_784_18, 0.374_091_96, 1.000_023_68, -1.265_512_23] {
            poly = poly * t + c
        }
        let erfc = t * PortableMath.exp(-z * z + poly)
        return x >= 0 ? 1 - erfc / 2 : erfc / 2
    }

    /// Φ⁻¹(p), the standard normal quantile (Acklam's rational approximation, relative error
    /// below 1.2e-9); −∞ at 0, +∞ at 1, NaN outside [0, 1].
    public static func quantile(_ p: Double) -> Double {
        guard p.isFinite, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let a = [-3.969_683_028_665_376e+01, 2.209_460_984_245_205e+02, -2.759_285_104_469_687e+02, 1.383_577_518_672_690e+02, -3.066_479_806_614_716e+01, 2.506_628_277_459_239e+00]
        let b = [-5.447_609_879_822_406e+01, 1.615_858_368_580_409e+02, -1.556_989_798_598_866e+02, 6.680_131_188_771_972e+01, -1.328_068_155_288_572e+01]
        let c = [-7.784_894_002_430_293e-03, -3.223_964_580_411_365e-01, -2.400_758_277_161_838e+00, -2.549_732_539_343_734e+00, 4.374_664_141_464_968e+00, 2.938_163_982_698_783e+00]
        let d = [7.784_695_709_041_462e-03, 3.224_671_290_700_398e-01, 2.445_134_137_142_996e+00, 3.754_408_661_907_416e+00]
        let low = 0.024_25
        if p < low || p > 1 - low {
            let q = (-2 * PortableMath.log(p < low ? p : 1 - p)).squareRoot()
            let x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
            return p < low ? x : -x
        }
        let q = p - 0.5
        let r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
