import XCTest

@testable import ScalingLaws

/// The named parameter set of a fit: lookups by name, not by position; what was fixed, what is
/// an exponent, what sits at a bound; Chinchilla constants read by name from fits and resamples.
final class ParameterSetTests: XCTestCase {
  func fit(_ d: Dataset, law: LawKind, fixed: [String: Double] = [:]) throws -> LawFit {
    var o = FitOptions()
    o.law = law
    o.fixed = fixed
    return try LawFitter(options: o).fit(d)
  }

  func testChinchillaFitByName() throws {
    let f = try fit(Synthetic.chinchilla(), law: .chinchilla, fixed: ["alpha": 0.35])
    let set = f.parameterSet
    XCTAssertEqual(set.names, ["E", "A", "B", "alpha", "beta"])
    XCTAssertEqual(set.exponents.map { $0.name }, ["alpha", "beta"])
    XCTAssertEqual(set["alpha"]?.value, 0.35)
    XCTAssertEqual(set["alpha"]?.isFixed, true)
    XCTAssertEqual(set["alpha"]?.standardError, 0)
    XCTAssertEqual(set["beta"]?.isFixed, false)
    XCTAssertEqual(set["E"]!.value / 1.8, 1, accuracy: 1e-5)
    XCTAssertNil(set["gamma"])
    XCTAssertNil(set.values(["E", "gamma"]))
    // Constants read by name agree with the generating law; a resample laid out as the set is
    // read by the same names (here: the values reversed, so a positional read would be wrong).
    let c = try XCTUnwrap(ChinchillaConstants(fitted: set))
    XCTAssertEqual(c.beta / 0.37, 1, accuracy: 1e-5)
    XCTAssertEqual(c.alpha, 0.35)
    let reversed = ParameterSet(set.parameters.reversed())
    let r = try XCTUnwrap(ChinchillaConstants(resample: reversed.parameters.map { $0.value }, of: reversed))
    XCTAssertEqual([r.E, r.A, r.B, r.alpha, r.beta], [c.E, c.A, c.B, c.alpha, c.beta])
    XCTAssertNil(ChinchillaConstants(resample: [1, 2], of: reversed))
  }

  func testExponentsAndBoundsPerLaw() throws {
    let kaplan = try fit(Synthetic.chinchilla(), law: .kaplanND)
    XCTAssertEqual(kaplan.parameterSet.exponents.map { $0.name }, ["alpha_N", "alpha_D"])
    XCTAssertNil(ChinchillaConstants(fitted: kaplan.parameterSet))
    // k is a slope, not an exponent. With the y-range kept over the data (the unbounded fit
    // stays inside) no parameter is bounded; where both levels are bound (the fallback), b is.
    let s = try fit(SigmoidLawTests.synthetic(noise: 0), law: .sigmoid, fixed: ["b": 0.25])
    XCTAssertEqual(s.parameterSet.exponents.count, 0)
    XCTAssertFalse(s.levelsBounded)
    XCTAssertNil(s.parameterSet["b"]?.bounds)
    var bounded = s
    bounded.levelsBounded = true
    XCTAssertEqual(bounded.parameterSet["b"]?.bounds, 0...1)
    XCTAssertEqual(bounded.parameterSet["b"]?.isAtBound, false)
    XCTAssertNil(bounded.parameterSet["a"]?.bounds)
    // At a bound: within 1e-6 relative of either end.
    func beta(_ v: Double) -> ParameterSet.Parameter {
      .init(name: "beta", value: v, standardError: nil, bounds: 0.1...3, isFixed: false, isExponent: true)
    }
    XCTAssertTrue(beta(0.10000001).isAtBound)
    XCTAssertTrue(beta(2.9999999).isAtBound)
    XCTAssertFalse(beta(0.1001).isAtBound)
  }
}
