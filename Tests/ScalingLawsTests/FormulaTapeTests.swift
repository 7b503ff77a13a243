import XCTest
@testable import ScalingLaws

final class FormulaTapeTests: XCTestCase {
  /// Reverse-mode derivatives of every operator and function agree with central differences.
  func testGradientsAreExact() throws {
    let text = "a*exp(-b/x) + c^d/(x + 1) - log(x*a) + sqrt(b*x) + min(a, x) + max(c, x)*d - (x - a)^2"
    let node = try FormulaParser.parse(text)
    let names = ["a", "b", "c", "d", "x"]
    let tape = FormulaTape(node, variables: Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) }), firstInput: 4)
    let point = [1.3, 0.7, 2.1, 0.45, 1.9]
    var g: [Double] = []
    let v = tape.evaluate(point, gradient: &g)
    XCTAssertEqual(v, tape.value(point))
    for j in 0..<names.count {
      var up = point, down = point
      let h = 1e-6 * max(1, abs(point[j]))
      up[j] += h
      down[j] -= h
      let fd = (tape.value(up) - tape.value(down)) / (2 * h)
      XCTAssertEqual(g[j], fd, accuracy: 1e-7 * max(1, abs(fd)), names[j])
    }
  }

  /// A repeated subexpression is one slot, a constant one is folded, and parameter-only slots
  /// are split from per-point ones.
  func testSharingFoldingAndSplitting() throws {
    let once = try FormulaParser.parse("A/N^alpha")
    let twice = try FormulaParser.parse("A/N^alpha + A/N^alpha + 2*3")
    let vars = ["A": 0, "alpha": 1, "N": 2]
    let t1 = FormulaTape(once, variables: vars, firstInput: 2), t2 = FormulaTape(twice, variables: vars, firstInput: 2)
    // The repeated term is shared: only the two sums, the constants 2 and 3 and their folded
    // product 6 are new.
    XCTAssertEqual(t2.slotCount, t1.slotCount + 5)
    XCTAssertEqual(t2.value([2, 0.5, 4]), 2 * (2 / 2.0) + 6)
    let p = try FormulaTape(FormulaParser.parse("A*B + N"), variables: ["A": 0, "B": 1, "N": 2], firstInput: 2)
    XCTAssertEqual(p.parameterSlots.count, 3)  // A, B, A*B
    XCTAssertEqual(p.pointSlots.count, 2)  // N, the sum
  }
}
