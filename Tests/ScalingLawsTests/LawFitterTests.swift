import Fitting
import Foundation
import XCTest
@testable import ScalingLaws

final class LawFitterTests: XCTestCase {
  func fit(_ d: Dataset, law: LawKind = .chinchilla, irreducible: Bool = false,
           search: SearchStrategy = .fast, loss: RobustLoss = .huber(delta: 1e-3)) throws -> LawFit {
    var o = FitOptions()
    o.law = law
    o.irreducible = irreducible
    o.search = search
    o.loss = loss
    return try LawFitter(options: o).fit(d)
  }

  func value(_ f: LawFit, _ name: String) -> Double { f.parameters[f.parameterNames.firstIndex(of: name)!] }
  func stderr(_ f: LawFit, _ name: String) -> Double { f.standardErrors![f.parameterNames.firstIndex(of: name)!] }

  func testChinchillaRecoversExactParametersFromNoiseFreeData() throws {
    let truth = ["E": 1.8, "A": 480.0, "B": 2000.0, "alpha": 0.35, "beta": 0.37]
    let f = try fit(Synthetic.chinchilla())
    XCTAssertTrue(f.converged, "\(f.termination)")
    for (k, v) in truth {
      XCTAssertEqual(value(f, k), v, accuracy: 1e-6 * v, "\(k)")
    }
    XCTAssertLessThan(f.objective, 1e-20)
  }

  func testChinchillaRecoveryOnNoisyDataAcrossSeeds() throws {
    let truth = ["E": 1.8, "A": 480.0, "B": 2000.0, "alpha": 0.35, "beta": 0.37]
    for seed: UInt64 in [1, 2, 3, 4] {
      let f = try fit(Synthetic.chinchilla(sizes: 10, checkpoints: 30, noise: 0.01, seed: seed))
      XCTAssertTrue(f.converged)
      for (k, v) in truth {
        // Within 4 standard errors (the Gauss–Newton errors are approximate under Huber).
        XCTAssertLessThan(abs(value(f, k) - v), 4 * stderr(f, k), "seed \(seed) \(k) = \(value(f, k))")
      }
    }
  }

  func testKaplanSingleVariableLawsAreExactOnNoiseFreePowerLaws() throws {
    let N = (0..<12).map { 1e6 * pow(10, Double($0) / 2) }
    let L = N.map { pow(8.8e13 / $0, 0.076) }
    let d = Dataset(file: "k", params: N, tokens: N, flops: N, loss: L)
    let f = try fit(d, law: .kaplanN)
    XCTAssertEqual(f.parameterNames, ["Nc", "alpha_N"])
    XCTAssertEqual(value(f, "Nc"), 8.8e13, accuracy: 8.8e13 * 1e-8)
    XCTAssertEqual(value(f, "alpha_N"), 0.076, accuracy: 1e-10)
    let fd = try fit(d, law: .kaplanD)
    XCTAssertEqual(value(fd, "Dc"), 8.8e13, accuracy: 8.8e13 * 1e-8)
    let fc = try fit(d, law: .kaplanC)
    XCTAssertEqual(value(fc, "alpha_C"), 0.076, accuracy: 1e-10)
  }

  func testKaplanWithIrreducibleTerm() throws {
    let D = (0..<15).map { 1e8 * pow(10, Double($0) / 3) }
    let L = D.map { 1.7 + pow(5.4e13 / $0, 0.3) }
    let f = try fit(Dataset(file: "k", params: D, tokens: D, flops: D, loss: L), law: .kaplanD, irreducible: true)
    XCTAssertEqual(f.parameterNames, ["E", "Dc", "alpha_D"])
    XCTAssertEqual(value(f, "E"), 1.7, accuracy: 1e-6)
    XCTAssertEqual(value(f, "alpha_D"), 0.3, accuracy: 1e-6)
    XCTAssertEqual(value(f, "Dc"), 5.4e13, accuracy: 5.4e13 * 1e-5)
  }

  func testKaplanJointLawExactOnNoiseFreeData() throws {
    var N = [Double](), D = [Double](), L = [Double]()
    for i in 0..<6 {
      for j in 0..<8 {
        let n = 1e7 * pow(10, Double(i) / 2), d = 1e8 * pow(10, Double(j) / 2)
        N.append(n)
        D.append(d)
        L.append(pow(pow(6.4e13 / n, 0.076 / 0.103) + 1.8e13 / d, 0.103))
      }
    }
    let f = try fit(Dataset(file: "k", params: N, tokens: D, flops: N, loss: L), law: .kaplanND)
    XCTAssertTrue(f.converged)
    XCTAssertEqual(value(f, "alpha_N"), 0.076, accuracy: 1e-6)
    XCTAssertEqual(value(f, "alpha_D"), 0.103, accuracy: 1e-6)
    XCTAssertEqual(value(f, "Nc"), 6.4e13, accuracy: 6.4e13 * 1e-4)
    XCTAssertEqual(value(f, "Dc"), 1.8e13, accuracy: 1.8e13 * 1e-4)
  }

  /// The fast search must reach an objective no worse than the literal Hoffmann grid
  /// (tolerance: 1e-9 relative) on every dataset tried.
  func testFastSearchIsNoWorseThanHoffmannGrid() throws {
    let datasets = [
      Synthetic.chinchilla(sizes: 5, checkpoints: 8, noise: 0.01, seed: 7),
      Synthetic.chinchilla(E: 0.5, A: 50, B: 300, alpha: 0.2, beta: 0.5, sizes: 4, checkpoints: 10, noise: 0.02, seed: 11),
      Synthetic.chinchilla(E: 2.5, A: 3000, B: 100, alpha: 0.6, beta: 0.2, sizes: 6, checkpoints: 6, noise: 0.005, seed: 3),
    ]
    for d in datasets {
      let fast = try fit(d)
      let grid = try fit(d, search: .hoffmann)
      XCTAssertTrue(fast.converged && grid.converged)
      XCTAssertLessThanOrEqual(fast.objective, grid.objective * (1 + 1e-9), "fast \(fast.objective) vs grid \(grid.objective)")
    }
  }

  func testFlatValleyWithSmallExponentIsFoundAndFlagged() throws {
    // A real-data-like ladder: four sizes, α ≈ 0.06 with E far below every observed loss.
    let d = Synthetic.chinchilla(E: 0.3, A: 8, B: 500, alpha: 0.06, beta: 0.3, sizes: 4, checkpoints: 12, noise: 0.003, seed: 5)
    let fast = try fit(d)
    let grid = try fit(d, search: .hoffmann)
    XCTAssertLessThanOrEqual(fast.objective, grid.objective * (1 + 1e-9))
    XCTAssertTrue(fast.warnings.contains { $0.hasPrefix("flat valley:") }, "\(fast.warnings)")
  }

  func testOneModelSizeIsFlagged() throws {
    let d = Synthetic.chinchilla(sizes: 1, checkpoints: 20, noise: 0.01)
    let f = try fit(d)
    XCTAssertTrue(f.warnings.contains("only one model size: the N exponent and scale are not identifiable"), "\(f.warnings)")
  }

  func testCollinearNAndDIsFlagged() throws {
    let N = (0..<10).map { 1e7 * pow(10, Double($0) / 3) }
    let D = N.map { 20 * $0 }
    let L = zip(N, D).map { 1.8 + 480 / pow($0, 0.35) + 2000 / pow($1, 0.37) }
    let f = try fit(Dataset(file: "c", params: N, tokens: D, flops: N, loss: L))
    XCTAssertTrue(f.warnings.contains { $0.hasPrefix("N and D are collinear") }, "\(f.warnings)")
  }

  func testTooFewPointsIsRefused() {
    let d = Synthetic.chinchilla(sizes: 2, checkpoints: 2)
    XCTAssertThrowsError(try fit(d)) {
      XCTAssertEqual("\($0)", "synthetic: 4 points after filters, fewer than the 5 parameters of the chinchilla law")
    }
  }

  func testSquaredObjective() throws {
    let f = try fit(Synthetic.chinchilla(noise: 0.01), loss: .squared)
    XCTAssertTrue(f.converged)
    XCTAssertEqual(f.objectiveDefinition, "sum over points of (log L_pred - log L_obs)^2 / 2")
    // For squared loss the objective is RSS/2.
    XCTAssertEqual(f.objective, f.rmseLog * f.rmseLog * Double(f.points) / 2, accuracy: 1e-12)
  }

  /// The synthetic 1,232-row file of the SciPy reference (its seeded generator's output,
  /// `Fixtures/synth_pythia_1232.csv`): objective ≤ the reference's 0.0093333105.
  func testReachesTheSciPyReferenceObjective() throws {
    let d = try DatasetLoader(options: LoadOptions(), required: [.params, .tokens, .loss])
      .load(path: fixture("synth_pythia_1232.csv"))[0]
    let f = try fit(d)
    XCTAssertTrue(f.converged)
    XCTAssertLessThanOrEqual(f.objective, 0.0093333105)
    XCTAssertEqual(value(f, "alpha"), 0.340764, accuracy: 1e-5)
    XCTAssertEqual(value(f, "E"), 1.788833, accuracy: 1e-5)
  }
}

extension LawFitterTests {
  func testLossesRisingWithSizeAreFlagged() throws {
    var d = Synthetic.chinchilla(sizes: 5, checkpoints: 8, noise: 0.005, seed: 8)
    // Flip the size effect: bigger models get the smaller models' losses.
    let sizes = Set(d.params).sorted()
    d.params = d.params.map { sizes[sizes.count - 1 - sizes.firstIndex(of: $0)!] }
    let f = try fit(d)
    XCTAssertTrue(f.warnings.contains { $0.hasPrefix("losses do not fall with model size (slope of log L on log N at fixed D = +") }, "\(f.warnings)")
  }
}

/// Issue 34, item 8: an exponent past the searched range is said to be outside it, one just past
/// an end at its edge.
final class SearchRangeWarningTests: XCTestCase {
  func testOutsideAndAtTheEdgeAreTold() {
    let law = LawKind.chinchilla.makeLaw(irreducible: false)
    func warnings(_ alpha: Double) -> [String] {
      LawFitter.parameterWarnings(law, [1.7, 400, 410, alpha, 0.3], correlation: nil, condition: 10, lossMin: 2)
    }
    XCTAssertTrue(warnings(-34.21).contains("alpha = -34.21 is outside the searched range [0.005, 3]: the fit left the exponents the global search covers"), "\(warnings(-34.21))")
    XCTAssertTrue(warnings(3.1).contains("alpha = 3.1 is at the edge of the searched range [0.005, 3]"), "\(warnings(3.1))")
    XCTAssertFalse(warnings(0.34).contains { $0.contains("searched range") })
  }
}
