import Fitting
import XCTest
@testable import ScalingLaws

final class JointFormulaTests: XCTestCase {
  static let text = "E + A/N^alpha + B/(m*D)^beta"

  /// Two recipes from one Chinchilla law, recipe B learning as if it had 1.5x the data; a joint
  /// fit (everything shared but m, m_A fixed at 1).
  static func fit(seed: UInt64, noise: Double) throws -> LawFit {
    var parts: [Dataset] = []
    for (k, g) in ["A", "B"].enumerated() {
      var d = Synthetic.chinchilla(sizes: 6, checkpoints: 6, noise: 0, seed: seed)
      var rng = SplitMix64(seed: seed &* 31 &+ UInt64(k))
      d.loss = zip(d.params, d.tokens).map { n, t in
        let effective = g == "B" ? 1.5 * t : t
        return (1.8 + 480 / pow(n, 0.35) + 2000 / pow(effective, 0.37)) * exp(noise * rng.normal())
      }
      d.group = g
      parts.append(d)
    }
    let joint = try JointFormula(FormulaSpec(text, starts: ["m": 1]), groups: ["A", "B"], shared: ["E", "A", "alpha", "B", "beta"])
    var o = FitOptions()
    o.law = .formula
    o.formulaLaw = try FormulaLaw(joint.spec)
    o.fixed = ["m_A": 1]
    // Least squares: the efficient objective for Gaussian noise, whose covariance the standard
    // errors are. (With Huber delta 1e-3 and 1% noise every residual is in Huber's linear part:
    // a least-absolute-deviations fit, whose s.e. from s^2 (J'J)^-1 understates its spread.)
    o.loss = .squared
    return try LawFitter(options: o).fit(joint.dataset(parts))
  }

  func testTheJointFormulaKeepsPerGroupScalesLinear() throws {
    let joint = try JointFormula(FormulaSpec("E + A/N^alpha + B/D^beta"), groups: ["A", "B"], shared: ["alpha", "beta"])
    XCTAssertEqual(joint.spec.text, "I_A*E_A + I_B*E_B + I_A*(A_A/N^alpha) + I_B*(A_B/N^alpha) + I_A*(B_A/D^beta) + I_B*(B_B/D^beta)")
    let law = try FormulaLaw(joint.spec)
    XCTAssertEqual(Set(law.linearTerms.map { law.parameterNames[$0.parameter] }), ["E_A", "E_B", "A_A", "A_B", "B_A", "B_B"])
    XCTAssertEqual(law.gridParameters.map { law.parameterNames[$0] }, ["alpha", "beta"])
    XCTAssertThrowsError(try JointFormula(FormulaSpec("E + A/N^alpha"), groups: ["A", "B"], shared: ["gamma"])) {
      XCTAssertEqual("\($0)", "--shared gamma: the formula has no parameter 'gamma' (its parameters: E, A, alpha)")
    }
    XCTAssertThrowsError(try JointFormula(FormulaSpec("E + A/N^alpha"), groups: ["A"], shared: ["E"])) {
      XCTAssertEqual("\($0)", "--shared needs two or more groups (group_column); the data have 1")
    }
  }

  /// The injected effect is recovered: m_B = 1.5 within its standard error's 95% interval in at
  /// least 90% of 50 seeded repeats with 1% noise (Wald intervals, m_B ± 1.96 s.e., least squares).
  func testTheInjectedDataMultiplierIsCovered() throws {
    var covered = 0
    for seed in UInt64(1)...50 {
      let f = try Self.fit(seed: seed, noise: 0.01)
      XCTAssertTrue(f.converged, "seed \(seed)")
      let i = f.parameterNames.firstIndex(of: "m_B")!
      let se = try XCTUnwrap(f.standardErrors)[i]
      if abs(f.parameters[i] - 1.5) <= 1.96 * se { covered += 1 }
    }
    XCTAssertGreaterThanOrEqual(covered, 45)
  }

  /// The compute multiplier the joint law implies equals the one computed from the generating
  /// law: for B/(mD)^beta it is m at every budget (K_B/K_A = m^(-alpha beta/(alpha+beta))).
  func testTheComputeMultiplierOfTheGeneratingLawIsM() throws {
    let law = try FormulaLaw(JointFormula(FormulaSpec(Self.text), groups: ["A", "B"], shared: ["E", "A", "alpha", "B", "beta"]).spec)
    let values: [String: Double] = ["E": 1.8, "A": 480, "alpha": 0.35, "B": 2000, "m_A": 1, "beta": 0.37, "m_B": 1.5]
    let f = try FittedLaw(name: "truth", source: "", law: law, parameters: law.parameterNames.map { values[$0]! })
    let c = try RecipeComparison(law: f, samples: [], baseline: "A", candidate: "B", budgets: [1e18, 1e21, 1e24])
    for r in c.rows { XCTAssertEqual(r.multiplier, 1.5, accuracy: 1e-6) }
    XCTAssertThrowsError(try RecipeComparison(law: f, samples: [], baseline: "A", candidate: "C", budgets: [1e20])) {
      XCTAssertEqual("\($0)", "no group 'C' in the joint fit (its groups: A, B)")
    }
  }
}
