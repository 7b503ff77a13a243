import XCTest
@testable import ScalingLaws

final class ComputeRuleTests: XCTestCase {
  /// 6ND: C, its slopes and its inverse in D are exact.
  func testTheStandardRule() throws {
    let r = ComputeRule.standard
    XCTAssertEqual(r.text, "6*N*D")
    XCTAssertEqual(r.inputNames, ["D", "N"])
    XCTAssertEqual(r.flops(["N": 1e9, "D": 2e10]), 1.2e20)
    let s = r.flopsAndSlopes(["N": 1e9, "D": 2e10])
    XCTAssertEqual(s.dN, 1.2e11)
    XCTAssertEqual(s.dD, 6e9)
    XCTAssertEqual(try XCTUnwrap(r.tokens(flops: 1.2e20, ["N": 1e9])), 2e10, accuracy: 1e-6)
    XCTAssertNil(r.tokens(flops: 0, ["N": 1e9]))
    XCTAssertNil(r.tokens(flops: .infinity, ["N": 1e9]))
  }

  /// The vocabulary law's rule reads V and W; D inverts through the proportional branch.
  func testARuleWithOtherInputs() throws {
    let r = try ComputeRule("6*(N + V*W)*D")
    XCTAssertEqual(r.inputNames, ["D", "N", "V", "W"])
    let at: [String: Double] = ["N": 7e9, "V": 32000, "W": 4096, "D": 1.4e12]
    let c = 6 * (7e9 + 32000 * 4096) * 1.4e12
    XCTAssertEqual(r.flops(at), c, accuracy: 1e-15 * c)
    let s = r.flopsAndSlopes(at)
    XCTAssertEqual(s.dN, 6 * 1.4e12, accuracy: 1e-3)
    XCTAssertEqual(s.dD, 6 * (7e9 + 32000 * 4096), accuracy: 1e-3)
    XCTAssertEqual(try XCTUnwrap(r.tokens(flops: c, at)), 1.4e12, accuracy: 1e-15 * 1.4e12 * 4)
    XCTAssertNoThrow(try r.check(against: ["N", "V", "W", "D"]))
  }

  /// A rule not proportional in D (an attention-like D² term) is inverted by bisection.
  func testARuleNotProportionalInTokensIsInvertedByBisection() throws {
    let r = try ComputeRule("6*N*D + 1e-3*D^2")
    let c = r.flops(["N": 1e8, "D": 3e10])
    XCTAssertEqual(c, 6 * 1e8 * 3e10 + 1e-3 * 9e20, accuracy: 1e5)
    XCTAssertEqual(try XCTUnwrap(r.tokens(flops: c, ["N": 1e8])), 3e10, accuracy: 1e-12 * 3e10)
  }

  func testRulesThatCannotGiveTheComputeAreRefused() {
    func message(_ text: String) -> String? {
      do {
        _ = try ComputeRule(text)
        return nil
      } catch {
        return (error as? FormulaError)?.message
      }
    }
    XCTAssertEqual(message("6*N*C"), "the compute rule 6*N*C names C: it gives C from N, D and the law's other inputs")
    XCTAssertEqual(message("6*N*S"), "the compute rule 6*N*S names S: it gives C from N, D and the law's other inputs")
    XCTAssertEqual(message("6*N"), "the compute rule 6*N does not name D: it gives the FLOPs of training N parameters on D tokens")
    XCTAssertEqual(message("6*(N*D"), "'(' is never closed")
    XCTAssertThrowsError(try ComputeRule("6*(N + V*W)*D").check(against: ["N", "D", "V"])) { e in
      XCTAssertEqual(
        (e as? FormulaError)?.message,
        "the compute rule 6*(N + V*W)*D names W, which is not an input of the law (its inputs: N, D, V); a rule reads N, D and the law's inputs only")
    }
  }

  /// A formula law carries its rule (6ND unless it says), checked against its inputs.
  func testAFormulaLawCarriesItsRule() throws {
    XCTAssertEqual(try FormulaLaw(FormulaSpec("E + A/N^alpha + B/D^beta")).compute, .standard)
    let v = NamedFormula.vocab.law()
    XCTAssertEqual(v.compute.text, "6*(N + V*W)*D")
    XCTAssertThrowsError(try FormulaLaw(FormulaSpec("E + A/N^alpha + B/D^beta", compute: "6*(N + V*W)*D")))
  }
}
