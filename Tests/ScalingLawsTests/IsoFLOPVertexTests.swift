import Foundation
import XCTest

@testable import ScalingLaws

/// Issue 23, item 4: Approach 2 on wide grids (the shared-shape vertex against the parabola), the
/// optimal-loss law, and the check of a Chinchilla fit against the IsoFLOP optima.
final class IsoFLOPVertexTests: XCTestCase {
  /// Hoffmann's printed constants (alpha 0.34 > beta 0.28: an asymmetric profile).
  let truth = ChinchillaConstants(name: "t", source: "", E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28)
  let budgets = [1e17, 3e17, 1e18, 3e18, 1e19, 3e19]

  /// Nine sizes per budget, log-spaced over +/- `decades` around the true optimum, loss with
  /// multiplicative noise exp(0.003 z).
  func grid(decades: Double, noise: Double = 0.003) -> Dataset {
    var rng = SplitMix64(seed: 11)
    var N = [Double](), D = [Double](), L = [Double](), budget = [Double]()
    for C in budgets {
      let n0 = truth.optimalParams(flops: C)
      for k in 0..<9 {
        let n = n0 * pow(10, -decades + 2 * decades * Double(k) / 8)
        let d = C / (6 * n)
        N.append(n)
        D.append(d)
        L.append(truth.loss(params: n, tokens: d) * exp(noise * rng.normal()))
        budget.append(C)
      }
    }
    var data = Dataset(file: "wide", params: N, tokens: D, flops: zip(N, D).map { 6 * $0 * $1 }, loss: L)
    data.budget = budget
    return data
  }

  func run(_ d: Dataset, _ vertex: VertexEstimator, bootstrap: Int = 0) throws -> ApproachResult {
    var o = ApproachOptions(approach: .isoflop)
    o.vertex = vertex
    o.bootstrap = bootstrap
    return try ApproachFitter(options: o).run(d)
  }

  /// On a grid of +/- 2 decades the parabola's vertices sit 15-18% above the true optimum
  /// (measured 16.6% mean); the shared shape recovers every budget's optimum within 5% (0.5%
  /// mean) and the frontier extrapolated to 1e21 FLOPs within 5%.
  func testWideGridRecoversTheOptimumWhereTheParabolaDoesNot() throws {
    let d = grid(decades: 2)
    let parabola = try run(d, .parabola)
    let shape = try run(d, .shape)
    for (p, s) in zip(parabola.budgets, shape.budgets) {
      let n = truth.optimalParams(flops: p.flops)
      XCTAssertGreaterThan(abs(p.params / n - 1), 0.10, "parabola at \(p.flops)")
      XCTAssertLessThan(abs(s.params / n - 1), 0.05, "shape at \(s.flops)")
      XCTAssertTrue(s.vertexInRange)
      XCTAssertNotNil(s.shape)
    }
    let C = 1e21
    XCTAssertEqual(shape.kN * pow(C, shape.a) / truth.optimalParams(flops: C), 1, accuracy: 0.05)
    XCTAssertEqual(shape.kD * pow(C, shape.b) / truth.optimalTokens(flops: C), 1, accuracy: 0.05)
    XCTAssertTrue(shape.notes[0].hasPrefix("Approach 2 (IsoFLOP): at each budget the loss in x = ln N is"), shape.notes[0])
  }

  /// Without noise the shape is exact: the vertices to 1e-6 whatever the width.
  func testShapeIsExactOnAChinchillaLoss() throws {
    for decades in [0.5, 1, 2, 3] {
      let r = try run(grid(decades: decades, noise: 0), .shape)
      for b in r.budgets {
        XCTAssertEqual(b.params / truth.optimalParams(flops: b.flops), 1, accuracy: 1e-6, "\(decades) decades")
        XCTAssertEqual(b.loss, truth.optimalLoss(flops: b.flops), accuracy: 1e-7)
      }
    }
  }

  /// The optimal loss against compute: L*(C) = E + k C^-gamma through the six vertices predicts
  /// the true optimal loss at 1e21 FLOPs (two decades beyond) within 1%, with a bootstrap
  /// interval that contains the fit's value.
  func testOptimalLossLaw() throws {
    let r = try run(grid(decades: 1), .shape, bootstrap: 100)
    let law = try XCTUnwrap(r.lossLaw)
    XCTAssertEqual(law.loss(flops: 1e21) / truth.optimalLoss(flops: 1e21), 1, accuracy: 0.01)
    XCTAssertEqual(law.flops(forLoss: law.loss(flops: 1e20))! / 1e20, 1, accuracy: 1e-9)
    XCTAssertNil(law.flops(forLoss: law.E))
    let iv = try XCTUnwrap(r.intervals["loss_at_largest"])
    let value = law.loss(flops: r.largestBudget)
    XCTAssertTrue(iv.0 <= value && value <= iv.1, "\(iv) \(value)")
    XCTAssertEqual(r.samples.count, 100)
    // Exact on points that lie on such a law.
    let exact = OptimalLossLaw.fit(flops: [1e18, 1e19, 1e20, 1e21], loss: [1e18, 1e19, 1e20, 1e21].map { 1.7 + 2e3 * pow($0, -0.15) })!
    XCTAssertEqual(exact.E, 1.7, accuracy: 1e-6)
    XCTAssertEqual(exact.gamma, 0.15, accuracy: 1e-6)
    XCTAssertNil(OptimalLossLaw.fit(flops: [1e18, 1e19], loss: [3, 2.8]))
  }

  /// A Chinchilla fit of IsoFLOP data whose curves are not of its form (Kaplan's L(N, D)) warns and
  /// names the IsoFLOP approach; on data of its form it does not.
  func testChinchillaFitOfIsoflopDataIsChecked() throws {
    let good = try LawFitter(options: FitOptions()).fit(grid(decades: 1))
    XCTAssertFalse(good.warnings.contains { $0.hasPrefix("the chinchilla fit disagrees") }, "\(good.warnings)")
    var N = [Double](), D = [Double](), L = [Double]()
    for C in budgets {
      for k in 0..<9 {
        let n = 1e6 * pow(10, 3 * Double(k) / 8) * pow(C / 1e17, 0.7)
        let d = C / (6 * n)
        N.append(n)
        D.append(d)
        L.append(pow(pow(6.4e13 / n, 0.076 / 0.103) + 1.8e13 / d, 0.103))
      }
    }
    let kaplan = Dataset(file: "k", params: N, tokens: D, flops: zip(N, D).map { 6 * $0 * $1 }, loss: L)
    let bad = try LawFitter(options: FitOptions()).fit(kaplan)
    let w = bad.warnings.first { $0.hasPrefix("the chinchilla fit disagrees with the IsoFLOP optima inside the data") }
    XCTAssertNotNil(w, "\(bad.warnings)")
    XCTAssertTrue(w?.hasSuffix("use the IsoFLOP approach (scaling fit --approach isoflop, then plan --law ISO.json)") ?? false)
  }
}
