import Foundation
import XCTest
@testable import ScalingLaws

final class ApproachTests: XCTestCase {
  let truth = ChinchillaConstants(name: "t", source: "", E: 1.8, A: 480, B: 2000, alpha: 0.35, beta: 0.37)

  /// An IsoFLOP design: at each budget, 9 sizes log-spaced symmetrically around the true
  /// optimum (±1 decade), loss from the law.
  func isoflopGrid(noise: Double = 0, budgets: [Double] = [1e18, 1e19, 1e20, 1e21, 1e22], offset: Double = 0) -> Dataset {
    var N = [Double](), D = [Double](), L = [Double]()
    var rng = SplitMix64(seed: 5)
    for C in budgets {
      let n0 = truth.optimalParams(flops: C) * pow(10, offset)
      for k in -4...4 {
        let n = n0 * pow(10, Double(k) / 4)
        let d = C / (6 * n)
        N.append(n)
        D.append(d)
        L.append(truth.loss(params: n, tokens: d) * exp(noise * rng.normal()))
      }
    }
    return Dataset(file: "iso", params: N, tokens: D, flops: zip(N, D).map { 6 * $0 * $1 }, loss: L)
  }

  func testIsoflopRecoversTheExponents() throws {
    var o = ApproachOptions(approach: .isoflop)
    o.bootstrap = 50
    let r = try ApproachFitter(options: o).run(isoflopGrid(noise: 0.002))
    XCTAssertEqual(r.budgets.count, 5)
    XCTAssertTrue(r.budgets.allSatisfy { $0.vertexInRange })
    // a = beta/(alpha+beta) = 0.5139; the parabola's known bias stays small on a centred grid.
    XCTAssertEqual(r.a, truth.a, accuracy: 0.02)
    XCTAssertEqual(r.b, truth.b, accuracy: 0.02)
    // The allocation at the largest budget, against the law's own closed form.
    XCTAssertEqual(r.paramsAtLargest / truth.optimalParams(flops: r.largestBudget), 1, accuracy: 0.1)
    XCTAssertEqual(r.tokensAtLargest / truth.optimalTokens(flops: r.largestBudget), 1, accuracy: 0.1)
    let iv = r.intervals["a"]!
    XCTAssertLessThan(iv.0, iv.1)
    XCTAssertEqual(r.bootstrapResamples, 50)
  }

  func testIsoflopRefusesEdgeMinimaUnlessAllowed() throws {
    // Shift the sampled sizes 1.5 decades above the optimum: every vertex falls below the grid.
    var d = isoflopGrid(budgets: [1e19, 1e20, 1e21], offset: 1.5)
    // Keep one budget well centred so that the rest can be told apart.
    let centred = isoflopGrid(budgets: [1e22, 1e23])
    d.params += centred.params
    d.tokens += centred.tokens
    d.flops += centred.flops
    d.loss += centred.loss
    d.lines = Array(2..<(d.loss.count + 2))
    let r = try ApproachFitter(options: ApproachOptions(approach: .isoflop)).run(d)
    XCTAssertEqual(r.budgets.filter { !$0.vertexInRange }.count, 3)
    XCTAssertEqual(r.budgets.filter { $0.used }.count, 2)
    XCTAssertTrue(r.warnings.contains { $0.hasPrefix("vertex outside the sampled model sizes at budgets") && $0.hasSuffix("excluded (use allow_edge_minima to keep)") }, "\(r.warnings)")
    var o = ApproachOptions(approach: .isoflop)
    o.allowEdgeMinima = true
    let kept = try ApproachFitter(options: o).run(d)
    XCTAssertEqual(kept.budgets.filter { $0.used }.count, 5)
    let only = isoflopGrid(budgets: [1e19, 1e20], offset: 1.5)
    XCTAssertThrowsError(try ApproachFitter(options: ApproachOptions(approach: .isoflop)).run(only)) {
      XCTAssertEqual("\($0)", "iso: 0 usable budgets; the exponents need at least 2")
    }
  }

  func testIsoflopUsesABudgetColumn() throws {
    var d = isoflopGrid()
    d.budget = d.flops.map { c in [1e18, 1e19, 1e20, 1e21, 1e22].min { abs(log($0 / c)) < abs(log($1 / c)) }! }
    let r = try ApproachFitter(options: ApproachOptions(approach: .isoflop)).run(d)
    XCTAssertEqual(r.budgets.map { $0.flops }, [1e18, 1e19, 1e20, 1e21, 1e22])
  }

  /// Training curves of many sizes: the lower envelope of L(N, C/6N) traces N_opt(C).
  func testEnvelopeRecoversTheExponents() throws {
    var N = [Double](), D = [Double](), L = [Double](), runs = [String]()
    for i in 0..<40 {
      let n = 1e7 * pow(10, Double(i) / 13)  // 3 decades
      for j in 0..<60 {
        let d = 1e8 * pow(10, Double(j) / 12)  // 5 decades of tokens
        N.append(n)
        D.append(d)
        L.append(truth.loss(params: n, tokens: d))
        runs.append("run\(i)")
      }
    }
    var ds = Dataset(file: "env", params: N, tokens: D, flops: zip(N, D).map { 6 * $0 * $1 }, loss: L)
    ds.run = runs
    let r = try ApproachFitter(options: ApproachOptions(approach: .envelope)).run(ds)
    XCTAssertGreaterThan(r.budgets.count, 20)
    XCTAssertEqual(r.a, truth.a, accuracy: 0.03)
    XCTAssertEqual(r.b, truth.b, accuracy: 0.03)
  }

  func testEnvelopeNeedsRuns() {
    let d = isoflopGrid()
    XCTAssertThrowsError(try ApproachFitter(options: ApproachOptions(approach: .envelope)).run(d)) {
      XCTAssertEqual("\($0)", "iso: approach envelope needs a run column (training curves); name it with run_column")
    }
  }
}
