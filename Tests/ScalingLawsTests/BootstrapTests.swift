import Fitting
import XCTest
@testable import ScalingLaws

final class BootstrapTests: XCTestCase {
  func analysis(resamples: Int, seed: UInt64 = 1, unit: BootstrapUnit? = nil, holdout: HoldoutCriterion? = nil) -> FitAnalysis {
    var b = BootstrapOptions(resamples: resamples, seed: seed)
    b.unit = unit
    return FitAnalysis(fitOptions: FitOptions(), bootstrap: b, holdout: holdout)
  }

  /// About 95% of seeded replicates' 95% intervals contain the true α.
  func testIntervalCoverageOnSyntheticData() throws {
    var covered = 0
    var ratios: [Double] = []
    let replicates = 40
    for r in 0..<replicates {
      let d = Synthetic.chinchilla(sizes: 6, checkpoints: 8, noise: 0.02, seed: UInt64(100 + r))
      let fit = try analysis(resamples: 150, seed: UInt64(r)).run(d)
      let iv = fit.bootstrap!.intervals[3]
      if iv.0 <= 0.35 && 0.35 <= iv.1 { covered += 1 }
      // Width against the ±1.96 Gauss–Newton standard errors of alpha.
      ratios.append((iv.1 - iv.0) / (3.92 * fit.standardErrors![3]))
    }
    let rate = Double(covered) / Double(replicates)
    XCTAssertGreaterThanOrEqual(rate, 0.85, "coverage \(rate)")
    // Coverage alone is met by a useless, very wide interval: the bootstrap interval must be of
    // the width the asymptotic errors imply (Huber weighting allows some difference).
    let median = ratios.sorted()[ratios.count / 2]
    XCTAssertGreaterThan(median, 0.5, "median width / (3.92 se) = \(median)")
    XCTAssertLessThan(median, 2.0, "median width / (3.92 se) = \(median)")
  }

  func testSameSeedSameSamplesAndDifferentSeedDiffers() throws {
    let d = Synthetic.chinchilla(sizes: 5, checkpoints: 6, noise: 0.02, seed: 9)
    let a = try analysis(resamples: 30, seed: 5).run(d).bootstrap!
    let b = try analysis(resamples: 30, seed: 5).run(d).bootstrap!
    let c = try analysis(resamples: 30, seed: 6).run(d).bootstrap!
    XCTAssertEqual(a.samples, b.samples)
    XCTAssertNotEqual(a.samples, c.samples)
    XCTAssertEqual(a.failed, 0)
  }

  func testResampleStreamsDoNotDependOnOrder() {
    // Stream k is a pure function of (seed, k): drawing stream 7 before or after 3 is the same.
    var s7 = SplitMix64(seed: 42, stream: 7)
    var s3 = SplitMix64(seed: 42, stream: 3)
    let a = (s7.next(), s3.next())
    var t3 = SplitMix64(seed: 42, stream: 3)
    var t7 = SplitMix64(seed: 42, stream: 7)
    XCTAssertEqual(a.1, t3.next())
    XCTAssertEqual(a.0, t7.next())
    var u = SplitMix64(seed: 1)
    for _ in 0..<1000 { XCTAssertLessThan(u.index(below: 7), 7) }
  }

  func testRunLevelResamplingKeepsRunsWhole() throws {
    var d = Synthetic.chinchilla(sizes: 4, checkpoints: 5, noise: 0.01, seed: 3)
    d.run = (0..<d.count).map { "run\($0 / 5)" }
    XCTAssertEqual(LawFitter.defaultUnit(d), .run)
    // Every resample holds each drawn run with all of its 5 points: point count is a multiple of 5.
    let fitter = LawFitter(options: FitOptions())
    let fit = try fitter.fit(d)
    var opts = BootstrapOptions(resamples: 20, seed: 2)
    opts.unit = .run
    let b = try fitter.bootstrap(d, fit: fit, options: opts)
    XCTAssertEqual(b.unit, .run)
    XCTAssertEqual(b.samples.count + b.failed, 20)
    // Every resample holds whole runs: each run's 5 points appear together, all or none.
    let blocks = (0..<4).map { r in Array((r * 5)..<(r * 5 + 5)) }
    for k in 0..<50 {
      let idx = LawFitter.resample(blocks: blocks, seed: 2, index: k)
      XCTAssertEqual(idx.count, 20)
      for chunk in stride(from: 0, to: idx.count, by: 5) {
        let run = Array(idx[chunk..<(chunk + 5)])
        XCTAssertTrue(blocks.contains(run), "resample \(k) split a run: \(run)")
      }
    }
    var pointData = d
    pointData.run = nil
    XCTAssertEqual(LawFitter.defaultUnit(pointData), .point)
  }

  func testHoldoutSplitsByParamsAndPredicts() throws {
    let d = Synthetic.chinchilla(sizes: 6, checkpoints: 10, noise: 0, seed: 1)
    let largest = d.params.max()!
    let fit = try analysis(resamples: 20, holdout: .paramsAbove(largest * 0.99)).run(d)
    let h = fit.holdout!
    XCTAssertEqual(h.points, 10)
    XCTAssertEqual(fit.points, 50)
    XCTAssertTrue(fit.dataset.filters.contains(FilterReport(filter: "holdout params > \(shortCount(largest * 0.99))", removed: 10)))
    // Noise-free data: the small models predict the big one exactly.
    XCTAssertLessThan(h.maxAbsRelError, 1e-6)
    for p in h.predictions {
      XCTAssertNotNil(p.interval)
      XCTAssertEqual(p.params, largest)
    }
    XCTAssertThrowsError(try analysis(resamples: 0, holdout: .flopsAbove(1e40)).run(d)) {
      XCTAssertEqual("\($0)", "synthetic: the holdout (flops > 1e+40) selects no points")
    }
  }

  func testDerivedExponentsForChinchilla() throws {
    let d = Synthetic.chinchilla(sizes: 6, checkpoints: 8, noise: 0.01, seed: 4)
    let b = try analysis(resamples: 50).run(d).bootstrap!
    let a = b.derived.first { $0.name == "a = beta/(alpha+beta)" }!
    XCTAssertEqual(a.value, 0.37 / 0.72, accuracy: 0.03)
    XCTAssertLessThan(a.interval.0, a.interval.1)
  }

  /// The s.e. column is robust: one resample run off to a corner cannot inflate it (issue 22:
  /// A = 5e109 in one resample made the plain standard deviation 3.75e108).
  func testRobustScaleIgnoresOneDivergedResample() {
    XCTAssertEqual(LawFitter.robustScale([1, 2, 3, 4, 1e100]), 1.4826, accuracy: 1e-12)
    XCTAssertEqual(LawFitter.robustScale([5, 5, 5]), 0)
    XCTAssertTrue(LawFitter.robustScale([]).isNaN)
    // Normal scatter: close to the standard deviation.
    var rng = SplitMix64(seed: 9)
    let x = (0..<20_000).map { _ in rng.normal() }
    XCTAssertEqual(LawFitter.robustScale(x), 1, accuracy: 0.03)
  }

  /// A bootstrap whose resamples send A far off counts them and warns; the s.e. stays near the bulk.
  func testDivergedResamplesAreCountedAndNamed() throws {
    var o = FitOptions()
    o.law = .chinchilla
    let d = Synthetic.chinchilla(sizes: 4, checkpoints: 5, noise: 0.03, seed: 11)
    let f = try LawFitter(options: o).fit(d)
    var bo = BootstrapOptions(resamples: 60, seed: 4)
    bo.unit = .point
    let b = try LawFitter(options: o).bootstrap(d, fit: f, options: bo)
    let j = b.parameterNames.firstIndex(of: "A")!
    let col = b.samples.map { $0[j] }
    XCTAssertEqual(b.standardErrors[j], LawFitter.robustScale(col), accuracy: 1e-9 * max(1, b.standardErrors[j]))
    let far = b.samples.filter { s in s.indices.contains { k in s[k] > 1000 * percentile(b.samples.map { $0[k] }, 0.5) && percentile(b.samples.map { $0[k] }, 0.5) > 0 } }.count
    XCTAssertLessThanOrEqual(far, b.outlying)
    let w = LawFitter.bootstrapWarnings(b, lossMin: d.loss.min()!)
    XCTAssertEqual(w.contains { $0.hasPrefix("of 60 bootstrap resamples, ") }, b.atBound + b.outlying > 0, "\(w)")
  }
}
