import Fitting
import Foundation
import XCTest
@testable import ScalingLaws

/// The numerics cases (issue 14; `Fixtures/numerics-cases/`, synthetic), each against the
/// independent optimum its README gives.
final class NumericsCasesTests: XCTestCase {
  func casesFolder() throws -> String {
    return fixture("numerics-cases")
  }

  func fit(_ file: String, law: LawKind, loss: RobustLoss = .huber(delta: 1e-3), search: SearchStrategy = .fast)
    throws -> LawFit
  {
    var o = FitOptions()
    o.law = law
    o.loss = loss
    o.search = search
    let d = try DatasetLoader(options: LoadOptions(), required: o.makeLaw().required)
      .load(path: try casesFolder() + "/" + file)[0]
    return try LawFitter(options: o).fit(d)
  }

  /// The fit converged and reached the independent optimum (or lower): within 1e-9 relative, or
  /// half a unit of the last digit the README prints (`digits` significant digits).
  func assertReaches(
    _ f: LawFit, _ optimum: Double, digits: Int = 11, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertTrue(f.converged, "\(f.termination)", file: file, line: line)
    let halfUnit = 0.5 * pow(10, floor(log10(optimum)) - Double(digits - 1))
    let slack = max(1e-9 * optimum, halfUnit)
    XCTAssertLessThanOrEqual(f.objective, optimum + slack, "\(f.file) \(f.law)", file: file, line: line)
  }

  func testKaplanNDFastSearchReachesTheIndependentOptima() throws {
    let nd1 = try fit("s_nd1.csv", law: .kaplanND, loss: .squared)
    assertReaches(nd1, 0.0093114461664)
    let p = Dictionary(uniqueKeysWithValues: zip(nd1.parameterNames, nd1.parameters))
    XCTAssertEqual(p["Nc"]!, 1.0045e12, accuracy: 0.001e12)
    XCTAssertEqual(p["alpha_N"]!, 0.09957, accuracy: 1e-5)
    XCTAssertEqual(p["Dc"]!, 5.020e10, accuracy: 0.001e10)
    XCTAssertEqual(p["alpha_D"]!, 0.25003, accuracy: 1e-5)
    assertReaches(try fit("s_nd3.csv", law: .kaplanND), 1.1591806e-3, digits: 8)
    assertReaches(try fit("chin.csv", law: .kaplanND), 3.8966819e-3, digits: 8)
    assertReaches(try fit("chin.csv", law: .kaplanND, loss: .squared), 0.080373, digits: 5)
  }

  func testHoffmannSearchPolishReachesTheOptimumOnSmallE() throws {
    let h = try fit("s_smallE.csv", law: .chinchilla, search: .hoffmann)
    assertReaches(h, 1.0432839007e-3, digits: 11)
    XCTAssertEqual(h.parameters[0], 0.0024336, accuracy: 2e-6, "E")
    assertReaches(try fit("s_smallE.csv", law: .chinchilla), 1.0432839007e-3)
  }

  func testKaplanCNeedsOnlyFlopsAndLoss() throws {
    let f = try fit("kc.csv", law: .kaplanC)
    XCTAssertTrue(f.converged)
    XCTAssertEqual(f.parameterNames, ["Cc", "alpha_C"])
    XCTAssertEqual(f.dataset.derivations, [])
  }

  /// A drawn copy is a new point: the file with a run column (one run per point) and the file
  /// without it must give the same with-replacement bootstrap. The case's reference interval for
  /// a is that of the classic per-budget parabola (`--vertex parabola`).
  func testIsoflopBootstrapIsTheSameWithAndWithoutARunColumn() throws {
    let folder = try casesFolder()
    var o = ApproachOptions(approach: .isoflop)
    o.bootstrap = 200
    o.seed = 5
    o.vertex = .parabola
    var load = LoadOptions()
    load.columns[.budget] = "budget"
    func run(_ name: String) throws -> ApproachResult {
      let d = try DatasetLoader(options: load, required: [.params, .tokens, .loss, .budget])
        .load(path: folder + "/" + name)[0]
      return try ApproachFitter(options: o).run(d)
    }
    let withRuns = try run("iso.csv"), without = try run("iso_norun.csv")
    XCTAssertNotNil(withRuns.dataset.run)
    XCTAssertNil(without.dataset.run)
    for key in ["a", "b", "params_at_largest", "tokens_at_largest"] {
      let x = try XCTUnwrap(withRuns.intervals[key]), y = try XCTUnwrap(without.intervals[key])
      XCTAssertEqual(x.0, y.0, key)
      XCTAssertEqual(x.1, y.1, key)
    }
    // The README's with-replacement interval for a.
    XCTAssertEqual(without.intervals["a"]!.0, 0.511386, accuracy: 5e-7)
    XCTAssertEqual(without.intervals["a"]!.1, 0.525886, accuracy: 5e-7)
  }
}
