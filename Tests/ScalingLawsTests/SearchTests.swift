import Fitting
import Foundation
import XCTest
@testable import ScalingLaws

/// The fast search against the many-start reference (`--search hoffmann`: the literal grid of
/// starts, each run to scipy's rules, then the same polish) for every law, both objectives and
/// several seeded synthetic sets in different parameter regions; and the objective a large fit
/// reports against an independent recomputation over all of its points (issues 13, 14).
final class SearchTests: XCTestCase {
  /// A grid of (N, D, step) over `sizes` sizes and `checkpoints` checkpoints, with the loss of
  /// `truth` times exp(σ z).
  static func grid(
    sizes: Int = 6, checkpoints: Int = 10, noise: Double = 0.01, seed: UInt64,
    _ truth: (_ N: Double, _ D: Double, _ step: Double) -> Double
  ) -> Dataset {
    var rng = SplitMix64(seed: seed)
    var N = [Double](), D = [Double](), S = [Double](), L = [Double]()
    for i in 0..<sizes {
      let n = 1e7 * pow(300, Double(i) / Double(sizes - 1))
      for j in 0..<checkpoints {
        let step = 200 * pow(100, Double(j) / Double(checkpoints - 1))
        let d = step * 1e6
        N.append(n)
        D.append(d)
        S.append(step)
        L.append(truth(n, d, step) * exp(noise * rng.normal()))
      }
    }
    return Dataset(file: "synthetic-\(seed)", params: N, tokens: D, flops: zip(N, D).map { 6 * $0 * $1 }, loss: L, step: S)
  }

  struct Case {
    var law: LawKind
    var irreducible = false
    var data: [Dataset]
  }

  static var cases: [Case] {
    [
      Case(law: .chinchilla, data: [
        grid(seed: 1) { n, d, _ in 1.8 + 480 / pow(n, 0.35) + 2000 / pow(d, 0.37) },
        grid(seed: 2) { n, d, _ in 0.5 + 40 / pow(n, 0.2) + 300 / pow(d, 0.25) },
        grid(seed: 3) { n, d, _ in 2.5 + 5000 / pow(n, 0.6) + 50 / pow(d, 0.15) },
      ]),
      Case(law: .kaplanN, data: [
        grid(seed: 4) { n, _, _ in pow(8.8e13 / n, 0.076) },
        grid(seed: 5) { n, _, _ in pow(1e10 / n, 0.3) },
      ]),
      Case(law: .kaplanD, irreducible: true, data: [
        grid(seed: 6) { _, d, _ in 1.7 + pow(5.4e13 / d, 0.3) },
        grid(seed: 7) { _, d, _ in 0.2 + pow(1e9 / d, 0.1) },
      ]),
      Case(law: .kaplanC, irreducible: true, data: [
        grid(seed: 8) { n, d, _ in 1.5 + pow(1e15 / (6 * n * d), 0.05) },
      ]),
      Case(law: .kaplanND, data: [
        grid(seed: 9) { n, d, _ in pow(pow(1e12 / n, 0.1 / 0.25) + 5e10 / d, 0.25) },
        grid(seed: 10) { n, d, _ in pow(pow(8.8e13 / n, 0.076 / 0.103) + 5.4e13 / d, 0.103) },
        grid(seed: 11) { n, d, _ in 1.8 + 480 / pow(n, 0.35) + 2000 / pow(d, 0.37) },
      ]),
      Case(law: .kaplanNS, data: [
        grid(seed: 12) { n, _, s in pow(6.5e13 / n, 0.077) + pow(2.1e3 / s, 0.76) },
        grid(seed: 13) { n, _, s in pow(1e9 / n, 0.3) + pow(50 / s, 0.2) },
      ]),
    ]
  }

  func fit(_ d: Dataset, _ c: Case, _ loss: RobustLoss, _ search: SearchStrategy) throws -> LawFit {
    var o = FitOptions()
    o.law = c.law
    o.irreducible = c.irreducible
    o.loss = loss
    o.search = search
    return try LawFitter(options: o).fit(d)
  }

  func testFastSearchIsNeverWorseThanTheManyStartReference() throws {
    for c in Self.cases {
      for d in c.data {
        for loss in [RobustLoss.huber(delta: 1e-3), .squared] {
          let fast = try fit(d, c, loss, .fast)
          let reference = try fit(d, c, loss, .hoffmann)
          let label = "\(fast.law) on \(d.file), \(loss)"
          XCTAssertTrue(fast.converged, "\(label): \(fast.termination)")
          XCTAssertLessThanOrEqual(
            fast.objective, reference.objective * (1 + 1e-9),
            "\(label): fast \(fast.objective) vs reference \(reference.objective)")
        }
      }
    }
  }

  /// The four laws the grids above cannot hold (curves under learning-rate schedules, and a
  /// metric against a task loss): the fast search is never worse than the many-start reference
  /// either, so every one of the ten laws is covered.
  func testFastSearchIsNeverWorseOnTheScheduleAndMetricLaws() throws {
    var rng = SplitMix64(seed: 21)
    func noisy(_ d: Dataset, _ sigma: Double) -> Dataset {
      var out = d
      out.loss = d.loss.map { $0 * exp(sigma * rng.normal()) }
      return out
    }
    let sizes = try CurveLawTests.generate(sizes: [1e6, 3e6, 1e7, 3e7]) { n, _, x, s2 in
      1.2 + 40 / pow(n[0], 0.35) + 300 / pow(x, 0.4) - 0.3 * s2
    }
    let one = try CurveLawTests.generate(sizes: [1e6]) { _, s1, _, s2 in 2.0 + 0.8 * pow(s1, -0.5) - 0.25 * s2 }
    let cases: [(LawKind, Dataset)] = [
      (.chinchillaLR, noisy(sizes, 0.005)), (.lrAnnealing, noisy(one, 0.005)), (.multiPower, noisy(one, 0.005)),
      (.sigmoid, SigmoidLawTests.synthetic(noise: 0.01)),
    ]
    XCTAssertEqual(Set(cases.map(\.0)).union(Self.cases.map(\.law)), Set(LawKind.named), "every law is covered")
    for (law, d) in cases {
      for loss in [RobustLoss.huber(delta: 1e-3), .squared] {
        let c = Case(law: law, data: [d])
        let fast = try fit(d, c, loss, .fast)
        let reference = try fit(d, c, loss, .hoffmann)
        let label = "\(fast.law), \(loss)"
        XCTAssertTrue(fast.converged, "\(label): \(fast.termination)")
        XCTAssertLessThanOrEqual(
          fast.objective, reference.objective * (1 + 1e-9) + 1e-15,
          "\(label): fast \(fast.objective) vs reference \(reference.objective)")
      }
    }
  }

  /// Above the subsampling threshold the subsample only picks the basin: the reported objective
  /// is the one of every point, and a tight polish from the reported optimum cannot lower it.
  func testLargeFitReportsAndMinimisesTheObjectiveOfEveryPoint() throws {
    let d = Synthetic.chinchilla(sizes: 25, checkpoints: 1_000, noise: 0.02, seed: 7)
    XCTAssertGreaterThan(d.count, LawFitter.subsampleThreshold)
    var o = FitOptions()
    o.loss = .huber(delta: 1e-3)
    let f = try LawFitter(options: o).fit(d)
    XCTAssertTrue(f.converged)
    XCTAssertEqual(f.points, 25_000)
    let note = try XCTUnwrap(f.searchNote)
    XCTAssertEqual(note, "basin chosen on a subsample of 8334 of 25000 points (every 3rd row); polished on all points")
    // Independent recomputation of the Huber sum over all points from the reported parameters.
    let (E, A, B, alpha, beta) = (f.parameters[0], f.parameters[1], f.parameters[2], f.parameters[3], f.parameters[4])
    var huber = 0.0
    for i in 0..<d.count {
      let r = log(E + A / pow(d.params[i], alpha) + B / pow(d.tokens[i], beta)) - log(d.loss[i])
      huber += abs(r) <= 1e-3 ? 0.5 * r * r : 1e-3 * (abs(r) - 0.5e-3)
    }
    XCTAssertEqual(f.objective, huber, accuracy: 1e-12 * huber)
    // A tight polish from the reported optimum finds no further decrease beyond 1e-9 relative.
    let law = ChinchillaLaw()
    let data = LogData(d)
    let polished = LBFGS(options: LawFitter.polishOptions).minimize(start: law.internalParameters(f.parameters)) { t, g in
      law.objective(t, data, loss: .huber(delta: 1e-3), gradient: &g)
    }
    XCTAssertGreaterThanOrEqual(polished.objective, f.objective * (1 - 1e-9))
    // The RMSE is that of every point too.
    var rss = 0.0
    for i in 0..<d.count {
      let r = log(law.predict(f.parameters, params: d.params[i], tokens: d.tokens[i], flops: .nan)) - log(d.loss[i])
      rss += r * r
    }
    XCTAssertEqual(f.rmseLog, (rss / Double(d.count)).squareRoot(), accuracy: 1e-12)
  }
}
