/// `log` and `exp` written with IEEE 754 basic operations only, so that seeded simulations give
/// the same bits on every platform (system libms differ in the last place).
///
/// Accurate to a couple of units in the last place, which is plenty for a simulated market.
public enum PortableMath {
    /// High part of ln 2 (fdlibm split: trailing zeros keep `k * ln2Hi` exact).
    static let ln2Hi = 6.931_471_803_691_238_164_90e-01
    /// Low part of ln 2.
    static let ln2Lo = 1.908_214_929_270_587_700_02e-10
    /// 1 / ln 2.
    static let invLn2 = 1.442_695_040_888_963_387_00

    /// The natural logarithm of `x`.
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }
        var e = Double(x.exponent)
        var m = x.significand  // in [1, 2), also for subnormals
        if m > 1.414_213_562_373_095_1 {
            m *= 0.5
            e += 1
        }
        // log m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), |s| <= 0.1716.
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var p = 1.0 / 23
        p = p * s2 + 1.0 / 21
        p = p * s2 + 1.0 / 19
        p = p * s2 + 1.0 / 17
        p = p * s2 + 1.0 / 15
        p = p * s2 + 1.0 / 13
        p = p * s2 + 1.0 / 11
        p = p * s2 + 1.0 / 9
        p = p * s2 + 1.0 / 7
        p = p * s2 + 1.0 / 5
        p = p * s2 + 1.0 / 3
        p = p * s2 + 1
        return e * ln2Hi + (2 * s * p + e * ln2Lo)
    }

    /// e raised to `x`.
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782_712_893_384 { return .infinity }
        if x < -745.2 { return 0 }
        let k = (x * invLn2).rounded()
        let r = (x - k * ln2Hi) - k * ln2Lo  // |r| <= ln2 / 2
        var p = 1.0 / 6_227_020_800  // 1/13!
        p = p * r + 1.0 / 479_001_600
        p = p * r + 1.0 / 39_916_800
        p = p * r + 1.0 / 3_628_800
        p = p * r + 1.0 / 362_880
        p = p * r + 1.0 / 40_320
        p = p * r + 1.0 / 5_040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        return Double(sign: .plus, exponent: Int(k), significand: p)
    }
}
