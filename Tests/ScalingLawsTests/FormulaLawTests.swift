import XCTest
import Fitting
@testable import ScalingLaws

final class FormulaLawTests: XCTestCase {
  static let chinchillaText = "E + A/N^alpha + B/D^beta"

  func fit(_ d: Dataset, _ spec: FormulaSpec, loss: RobustLoss = .huber(delta: 1e-3)) throws -> LawFit {
    var o = FitOptions()
    o.law = .formula
    o.formulaLaw = try FormulaLaw(spec)
    o.loss = loss
    return try LawFitter(options: o).fit(d)
  }

  func builtin(_ d: Dataset) throws -> LawFit {
    try LawFitter(options: FitOptions()).fit(d)
  }

  static func finalLossDatasets() throws -> [Dataset] {
    var o = LoadOptions()
    o.finalByDefault = true
    let loader = DatasetLoader(options: o, required: [.params, .tokens, .loss])
    let files = [
      fixture("synth_pythia_1232.csv"), datasetsFolder() + "/minipythia.csv", datasetsFolder() + "/olmo-ladder/olmo_ladder_1b.csv",
    ] + ["chin", "iso", "iso_norun", "s_nd1", "s_nd3", "s_smallE"].map { fixture("numerics-cases/\($0).csv") }
    return try files.flatMap { try loader.load(path: $0) }
  }

  /// The formula E + A/N^alpha + B/D^beta reaches the built-in law's optimum on every
  /// final-loss dataset shipped and in the fixtures: the objective to 1e-8 relative and every
  /// parameter to 1e-5 (a floor E driven to ~0 by both compares as ~0).
  func testChinchillaFormulaReachesTheBuiltInOptimum() throws {
    let datasets = try Self.finalLossDatasets()
    XCTAssertEqual(datasets.count, 9)
    for d in datasets {
      let b = try builtin(d), f = try fit(d, FormulaSpec(Self.chinchillaText))
      XCTAssertTrue(f.converged, d.file)
      XCTAssertEqual(f.objective, b.objective, accuracy: 1e-8 * b.objective, d.file)
      let lossMin = d.loss.min()!
      for (i, name) in b.parameterNames.enumerated() {
        let j = f.parameterNames.firstIndex(of: name)!
        let (x, y) = (b.parameters[i], f.parameters[j])
        if name == "E" && x < 1e-6 * lossMin {
          XCTAssertLessThan(y, 1e-6 * lossMin, "\(d.file): E")
        } else {
          XCTAssertEqual(y, x, accuracy: 1e-5 * abs(x), "\(d.file): \(name)")
        }
      }
    }
  }

  /// The search finds the linear parameters from the formula and grids the rest.
  func testVariableProjectionStructure() throws {
    let law = try FormulaLaw(FormulaSpec(Self.chinchillaText))
    XCTAssertEqual(Set(law.linearTerms.map { law.parameterNames[$0.parameter] }), ["E", "A", "B"])
    XCTAssertEqual(law.gridParameters.map { law.parameterNames[$0] }, ["alpha", "beta"])
    XCTAssertEqual(law.inputNames, ["N", "D"])
    XCTAssertEqual(law.required, [.params, .tokens, .loss])
    // m occurs inside a power: gridded; B stays linear.
    let m = try FormulaLaw(FormulaSpec("E + A/N^alpha + B/(m*D)^beta", starts: ["m": 1]))
    XCTAssertEqual(Set(m.gridParameters.map { m.parameterNames[$0] }), ["alpha", "beta", "m"])
  }

  /// Linear residuals fit a loss that is negative (a unigram-normalised loss), with a signed
  /// floor from --bound.
  func testLinearResidualsFitANegativeLoss() throws {
    var d = Synthetic.chinchilla(E: 0.3, A: 480, B: 2000, alpha: 0.35, beta: 0.37, sizes: 6, checkpoints: 10)
    var rng = SplitMix64(seed: 5)
    d.loss = d.loss.map { $0 - 2.5 + 0.002 * rng.normal() }
    XCTAssertTrue(d.loss.contains { $0 < 0 })
    let f = try fit(d, FormulaSpec(Self.chinchillaText, bounds: ["E": -10...10], residual: .linear), loss: .squared)
    XCTAssertTrue(f.converged)
    let p = Dictionary(uniqueKeysWithValues: zip(f.parameterNames, f.parameters))
    let se = Dictionary(uniqueKeysWithValues: zip(f.parameterNames, f.standardErrors!))
    for (name, truth) in [("E", -2.2), ("alpha", 0.35), ("beta", 0.37)] {
      XCTAssertEqual(p[name]!, truth, accuracy: 3 * se[name]!, name)
    }
    XCTAssertEqual(f.residualScale, "linear")
  }

  func testNamesThatDoNotFitTheFormulaAreRefused() {
    func message(_ spec: FormulaSpec) -> String? {
      do { _ = try FormulaLaw(spec); return nil } catch { return (error as? FormulaError)?.description }
    }
    XCTAssertEqual(message(FormulaSpec("A*x + b")), "the formula uses no input: name N, D, C or S, or declare a column with --input NAME=column (its names: A, x, b)")
    XCTAssertEqual(message(FormulaSpec("N + D")), "the formula has no parameter to fit (every name is an input: N, D)")
    XCTAssertEqual(message(FormulaSpec(Self.chinchillaText, bounds: ["gamma": 0...1])), "--bound gamma: the formula has no parameter 'gamma' (its parameters: E, A, alpha, B, beta)")
    XCTAssertEqual(message(FormulaSpec(Self.chinchillaText, starts: ["N": 1])), "--start N: N is an input of the formula, not a parameter")
    XCTAssertEqual(message(FormulaSpec(Self.chinchillaText, inputs: ["U": "unique"])), "input U (unique) is not used by the formula")
    XCTAssertEqual(message(FormulaSpec(Self.chinchillaText, bounds: ["alpha": 0...1], starts: ["alpha": 2])), "--start alpha=2 is outside its --bound [0, 1]")
  }

  /// Open inputs: a formula of a column the loader reads by name, and predictions through it.
  func testOpenInputsAreLoadedAndPredicted() throws {
    let csv = "params,tokens,repeats,loss\n1e8,1e9,1,3.1\n1e8,1e9,2,3.2\n2e8,2e9,4,2.9\n"
    var o = LoadOptions()
    o.inputs = ["R": "repeats"]
    let d = try DatasetLoader(options: o, required: [.params, .tokens, .loss]).load(CSVDocument(bytes: Array(csv.utf8), name: "r.csv"))[0]
    XCTAssertEqual(d.inputs["R"], [1, 2, 4])
    let law = try FormulaLaw(FormulaSpec("E + A*R/N", inputs: ["R": "repeats"]))
    XCTAssertEqual(law.inputNames, ["R", "N"])
    XCTAssertEqual(law.predict([1, 2], inputs: ["R": 3, "N": 4]), 1 + 2 * 3 / 4.0)
    let bad = "params,tokens,repeats,loss\n1e8,1e9,x,3.1\n"
    XCTAssertThrowsError(try DatasetLoader(options: o, required: [.params, .tokens, .loss]).load(CSVDocument(bytes: Array(bad.utf8), name: "r.csv"))) {
      XCTAssertEqual("\($0)", "r.csv:2:9: column 'repeats': 'x' is not a number (input R)")
    }
    var missing = o
    missing.inputs = ["R": "epochs"]
    XCTAssertThrowsError(try DatasetLoader(options: missing, required: [.params, .tokens, .loss]).load(CSVDocument(bytes: Array(csv.utf8), name: "r.csv"))) {
      XCTAssertEqual("\($0)", "r.csv:1: input R=epochs: no such column; the header has 'params', 'tokens', 'repeats', 'loss'")
    }
  }
}
