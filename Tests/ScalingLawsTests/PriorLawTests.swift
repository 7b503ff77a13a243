import Fitting
import XCTest

@testable import ScalingLaws

/// Issue 23: Gaussian priors (MAP fits) and tied parameters.
final class PriorLawTests: XCTestCase {
  /// A shared-exponent law E + A/N^a + B/D^a is recovered with `tied: beta = alpha`; beta is
  /// reported as alpha, with alpha's standard error and a correlation of 1 between them.
  func testTiedExponentRecoversASharedExponent() throws {
    let d = Synthetic.chinchilla(alpha: 0.3, beta: 0.3, noise: 0.002, seed: 7)
    var o = FitOptions()
    o.tied = ["beta": "alpha"]
    let f = try LawFitter(options: o).fit(d)
    XCTAssertTrue(f.converged)
    let p = f.parameterSet
    XCTAssertEqual(p["alpha"]!.value, 0.3, accuracy: 0.01)
    XCTAssertEqual(p["beta"]!.value, p["alpha"]!.value)
    XCTAssertEqual(p["beta"]!.standardError, p["alpha"]!.standardError)
    XCTAssertGreaterThan(p["alpha"]!.standardError!, 0)
    let (a, b) = (f.parameterNames.firstIndex(of: "alpha")!, f.parameterNames.firstIndex(of: "beta")!)
    XCTAssertEqual(f.correlation![a, b], 1, accuracy: 1e-12)
    XCTAssertEqual(f.tied, ["beta": "alpha"])
    // One parameter fewer than the free fit: the same data, a higher (or equal) objective.
    let free = try LawFitter(options: FitOptions()).fit(d)
    XCTAssertGreaterThanOrEqual(f.objective, free.objective * (1 - 1e-9))
  }

  func testTiesThatCannotBeMadeAreRefused() {
    let law = ChinchillaLaw()
    let cases: [([String: Double], [String: String], String)] = [
      ([:], ["beta": "beta"], "cannot tie beta to itself"),
      (["alpha": 0.3], ["beta": "alpha"], "cannot tie beta to alpha: alpha is fixed (fix both instead)"),
      ([:], ["gamma": "alpha"], "cannot tie 'gamma': the chinchilla law has no such parameter (its parameters: E, A, B, alpha, beta)"),
      ([:], ["A": "alpha"], "cannot tie A to alpha in the chinchilla law: the law parametrises them differently (tie two exponents, or two scale constants)"),
    ]
    for (fixed, tied, message) in cases {
      XCTAssertThrowsError(try ConstrainedLaw(law, fixed: fixed, tied: tied)) {
        XCTAssertEqual(($0 as? FitError)?.message, message)
      }
    }
    // Two scale constants map the same way (both through a logarithm): a tie is fine.
    XCTAssertNoThrow(try ConstrainedLaw(law, fixed: [:], tied: ["B": "A"]))
  }

  /// The prior's weight: for least squares c is the residual variance over n − k; Huber
  /// residuals well inside delta give the same; checkpoints of one run with correlated residuals
  /// raise it by (1 + rho)/(1 - rho).
  func testPriorScale() {
    let r = [0.001, -0.002, 0.0015, -0.0005, 0.0, 0.0025, -0.001, 0.0005]
    let ss = r.reduce(0) { $0 + $1 * $1 }
    XCTAssertEqual(PriorLaw.scale(residuals: r, loss: .squared, freeParameters: 3), ss / 5, accuracy: 1e-18)
    XCTAssertEqual(PriorLaw.scale(residuals: r, loss: .huber(delta: 1), freeParameters: 3), ss / 5, accuracy: 1e-12 * ss)
    // Residuals far outside delta (all but the zero one): psi^2 = delta^2 each, E[psi'] = P(|r| <= delta)
    // under the robust scale.
    let wide = r.map { $0 * 1000 }
    let s = 1.4826 * percentile(wide.map { abs($0) }, 0.5)
    XCTAssertEqual(
      PriorLaw.scale(residuals: wide, loss: .huber(delta: 1e-3), freeParameters: 3),
      (1e-6 * 7 / 5) / erf(1e-3 / (s * 2.0.squareRoot())), accuracy: 1e-9)
    // One run whose residuals alternate in sign: rho < 0, no change; the same residuals sorted
    // (one long run of each sign): rho > 0 and a larger weight.
    let runs = [String](repeating: "r", count: r.count)
    XCTAssertEqual(PriorLaw.scale(residuals: r, loss: .squared, freeParameters: 3, runs: runs), ss / 5, accuracy: 1e-18)
    XCTAssertGreaterThan(PriorLaw.scale(residuals: r.sorted(), loss: .squared, freeParameters: 3, runs: runs), 1.5 * ss / 5)
  }

  /// A prior far tighter than the data holds its parameter at the mean (the fit with it fixed);
  /// one far wider changes nothing (the plain fit). The objective line's two terms add up.
  func testPriorLimits() throws {
    let d = Synthetic.chinchilla(noise: 0.01, seed: 3)
    let plain = try LawFitter(options: FitOptions()).fit(d)
    var tight = FitOptions()
    tight.priors = [Prior(parameter: "alpha", mean: 0.30, sd: 1e-6)]
    let t = try LawFitter(options: tight).fit(d)
    var fixed = FitOptions()
    fixed.fixed = ["alpha": 0.30]
    let fx = try LawFitter(options: fixed).fit(d)
    XCTAssertTrue(t.converged)
    XCTAssertEqual(t.parameterSet["alpha"]!.value, 0.30, accuracy: 1e-5)
    XCTAssertEqual(t.parameterSet["beta"]!.value, fx.parameterSet["beta"]!.value, accuracy: 1e-3)
    // The posterior s.e. of a parameter the prior pins is the prior's SD.
    XCTAssertEqual(t.parameterSet["alpha"]!.standardError!, 1e-6, accuracy: 1e-7)
    XCTAssertEqual(t.objective - t.priorTerm, fx.objective, accuracy: 0.05 * fx.objective)
    XCTAssertGreaterThan(t.priorTerm, 0)
    XCTAssertEqual(t.priors, tight.priors)
    XCTAssertNotNil(t.priorScale)

    var wide = FitOptions()
    wide.priors = [Prior(parameter: "alpha", mean: 0.30, sd: 1e3)]
    let w = try LawFitter(options: wide).fit(d)
    for name in plain.parameterNames {
      XCTAssertEqual(w.parameterSet[name]!.value, plain.parameterSet[name]!.value, accuracy: 1e-4 * abs(plain.parameterSet[name]!.value), name)
    }
    XCTAssertEqual(w.objective, plain.objective, accuracy: 1e-6 * plain.objective)
  }

  /// A prior on log10 of a scale constant: log10(A) held at 3 by a tight prior is A = 1000.
  func testLogPrior() throws {
    let d = Synthetic.chinchilla(noise: 0.005, seed: 4)
    var o = FitOptions()
    o.priors = [Prior(parameter: "A", scale: .log10, mean: 3, sd: 1e-7)]
    let f = try LawFitter(options: o).fit(d)
    XCTAssertEqual(f.parameterSet["A"]!.value, 1000, accuracy: 1e-3)
  }

  /// A bootstrap of a MAP fit refits every resample with the prior (the same weight c): a tight
  /// prior keeps every resample's alpha at its mean.
  func testBootstrapKeepsThePrior() throws {
    let d = Synthetic.chinchilla(noise: 0.01, seed: 5)
    var o = FitOptions()
    o.priors = [Prior(parameter: "alpha", mean: 0.33, sd: 1e-6)]
    let fitter = LawFitter(options: o)
    let f = try fitter.fit(d)
    let b = try fitter.bootstrap(d, fit: f, options: BootstrapOptions(resamples: 20, seed: 1))
    let a = f.parameterNames.firstIndex(of: "alpha")!
    XCTAssertEqual(b.samples.count, 20)
    for s in b.samples { XCTAssertEqual(s[a], 0.33, accuracy: 1e-4) }
  }

  func testPriorParsing() throws {
    XCTAssertEqual(try Prior.parse("alpha=0.34+-0.1"), Prior(parameter: "alpha", mean: 0.34, sd: 0.1))
    XCTAssertEqual(try Prior.parse("alpha = 0.34 ± 0.1"), Prior(parameter: "alpha", mean: 0.34, sd: 0.1))
    XCTAssertEqual(try Prior.parse("log10(C)=-1+/-0.5"), Prior(parameter: "C", scale: .log10, mean: -1, sd: 0.5))
    XCTAssertEqual(Prior(parameter: "C", scale: .log10, mean: -1, sd: 0.5).description, "log10(C)=-1+/-0.5")
    for (text, message) in [
      ("alpha=0.34+-0", "'alpha=0.34+-0': the SD '0' must be a positive finite number"),
      ("alpha=0.34+--1", "'alpha=0.34+--1': the SD '-1' must be a positive finite number"),
      ("alpha=x+-1", "'alpha=x+-1': the mean 'x' is not a finite number"),
      ("alpha=0.3", "'alpha=0.3': expected MEAN+-SD after '=', e.g. alpha=0.34+-0.1"),
    ] {
      XCTAssertThrowsError(try Prior.parse(text)) { XCTAssertEqual(($0 as? FitError)?.message, message, text) }
    }
  }
}
