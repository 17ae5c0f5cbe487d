import Foundation
import Testing
@testable import RebalancerCore
@testable import RebalancerSimulation

@Suite("PricePath")
struct PricePathTests {
    static func path(seed: UInt64, volatility: Double = 0.8, secondsPerTick: Double = 60) -> PricePath {
        PricePath(seed: seed, initialPrice: 100, drift: 0.05, volatility: volatility, shockMultiplier: 4, secondsPerTick: secondsPerTick)
    }

    @Test func sameSeedReplaysTheSamePathAndRegimes() {
        var a = Self.path(seed: 11)
        var b = Self.path(seed: 11)
        for _ in 0..<5_000 {
            #expect(a.next() == b.next())
            #expect(a.regime == b.regime)
        }
    }

    @Test func differentSeedsGiveDifferentPaths() {
        var a = Self.path(seed: 11)
        var b = Self.path(seed: 12)
        let pa = (0..<100).map { _ in a.next() }
        let pb = (0..<100).map { _ in b.next() }
        #expect(pa != pb)
    }

    @Test func specInitialiserUsesTheSpec() {
        let spec = MarketScenario.spec(seed: 5, accounts: [], initialPrice: 42, secondsPerTick: 60)
        var fromSpec = PricePath(spec: spec)
        var explicit = PricePath(seed: 5, initialPrice: 42, drift: 0, volatility: 0.8, shockMultiplier: 4, secondsPerTick: 60)
        #expect(fromSpec.price == 42)
        #expect((0..<50).map { _ in fromSpec.next() } == (0..<50).map { _ in explicit.next() })
    }

    @Test func pureDriftCompoundsExactlyAsExpected() {
        var path = PricePath(seed: 1, initialPrice: 100, drift: 0.1, volatility: 0, shockMultiplier: 4, secondsPerTick: 3_600)
        for _ in 0..<(365 * 24) { _ = path.next() }
        #expect(abs(path.price / (100 * Foundation.exp(0.1)) - 1) < 1e-9)
    }

    @Test func regimesStartAndLastAsDocumented() {
        var path = Self.path(seed: 21)
        let n = 400_000
        var shockTicks = 0
        var shocksStarted = 0
        var previous = path.regime
        for _ in 0..<n {
            _ = path.next()
            if path.regime == .shock { shockTicks += 1 }
            if previous == .calm && path.regime == .shock { shocksStarted += 1 }
            previous = path.regime
        }
        let meanShockLength = Double(shockTicks) / Double(shocksStarted)
        let meanCalmLength = Double(n - shockTicks) / Double(shocksStarted)
        #expect(abs(meanShockLength - 25) < 2)
        #expect(abs(meanCalmLength - 100) < 8)
    }

    @Test func shocksMultiplyTheVolatilityOfLogReturns() {
        var path = Self.path(seed: 8, volatility: 0.5, secondsPerTick: 60)
        var calm: [Double] = []
        var shock: [Double] = []
        var old = path.price
        for _ in 0..<200_000 {
            let new = path.next()
            let r = Foundation.log(new / old)
            if path.regime == .calm { calm.append(r) } else { shock.append(r) }
            old = new
        }
        func sd(_ xs: [Double]) -> Double {
            let m = xs.reduce(0, +) / Double(xs.count)
            return (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count)).squareRoot()
        }
        let dt = 60 / PricePath.secondsPerYear
        #expect(abs(sd(calm) / (0.5 * dt.squareRoot()) - 1) < 0.03)
        #expect(abs(sd(shock) / sd(calm) - 4) < 0.2)
    }

    @Test func replayReturnsClosesInOrderThenHoldsTheLast() {
        var path = PricePath.replay([10, 11.5, 9.25])
        #expect(path.isReplay)
        #expect(path.price == 10)
        let seen = (0..<6).map { _ in path.next() }
        #expect(seen == [10, 11.5, 9.25, 9.25, 9.25, 9.25])
        #expect(path.regime == .calm)
    }

    @Test func parsesCSVInTimeOrder() throws {
        let text = "\u{FEFF}time,close\r\n2024-01-01T00:00:00Z,100.5\r\n\r\n2024-01-02T00:00:00Z, 101\n2024-01-03,99.75\n"
        #expect(try PricePath.parseCSV(text) == [100.5, 101, 99.75])
        #expect(try PricePath.parseCSV("time,close\n9,1\n10,2\n1e3,3") == [1, 2, 3])
        #expect(try PricePath.parseCSV(" Time , Close \n1,2") == [2])
    }

    @Test(arguments: [
        ("", "line 1: missing header 'time,close'"),
        ("date,price\n1,2", "line 1: expected header 'time,close', found 'date,price'"),
        ("time,close\n", "line 2: no price rows after the header"),
        ("time,close\n1,100\n2,101\n3,102\n4,103\n5,104\n6,abc\n", "line 7: close 'abc' is not a number"),
        ("time,close\n1,100\n\n2,-3", "line 4: close '-3' is not a finite positive number"),
        ("time,close\n1,0", "line 2: close '0' is not a finite positive number"),
        ("time,close\n1,nan", "line 2: close 'nan' is not a finite positive number"),
        ("time,close\n1,100,7", "line 2: expected 2 fields (time,close), found 3"),
        ("time,close\n100", "line 2: expected 2 fields (time,close), found 1"),
        ("time,close\n10,1\n9,2", "line 3: time '9' does not come after the previous row's '10' (rows must be in time order; each row is one tick and the spacing of the times is not used)"),
        ("time,close\n2024-01-02,1\n2024-01-02,2", "line 3: time '2024-01-02' does not come after the previous row's '2024-01-02' (rows must be in time order; each row is one tick and the spacing of the times is not used)"),
    ])
    func csvErrorsNameTheLineAndTheProblem(text: String, message: String) {
        #expect(throws: PricePath.CSVError.self) { try PricePath.parseCSV(text) }
        do {
            _ = try PricePath.parseCSV(text)
        } catch {
            #expect(String(describing: error) == message)
        }
    }
}
