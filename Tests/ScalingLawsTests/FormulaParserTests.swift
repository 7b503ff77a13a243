import XCTest
@testable import ScalingLaws

final class FormulaParserTests: XCTestCase {
  func value(_ text: String, _ vars: [String: Double] = [:]) throws -> Double {
    let node = try FormulaParser.parse(text)
    let names = node.names
    let tape = FormulaTape(node, variables: Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) }), firstInput: names.count)
    return tape.value(names.map { vars[$0]! })
  }

  func testPrecedenceAndAssociativity() throws {
    XCTAssertEqual(try value("-2^2"), -4)
    XCTAssertEqual(try value("2^-1"), 0.5)
    XCTAssertEqual(try value("2^3^2"), 512)
    XCTAssertEqual(try value("8/4/2"), 1)
    XCTAssertEqual(try value("8 - 4 - 2"), 2)
    XCTAssertEqual(try value("2*3^2"), 18)
    XCTAssertEqual(try value("2**3"), 8)
    XCTAssertEqual(try value("6 \u{00F7} 3 \u{00D7} 2 \u{2212} 1"), 3)
    XCTAssertEqual(try value("L = max(1, 2) + min(3, 4) + sqrt(16) + log(exp(2))"), 2 + 3 + 4 + 2)
    XCTAssertEqual(try value("1.5e1 + .5"), 15.5)
  }

  func testTextRoundTripsToTheSameTree() throws {
    for text in ["E + A/N^alpha + B/D^beta", "-(a + b)^2", "a/(b*c)", "a - (b - c)", "2^-x^2", "exp(-x)*min(a, b)", "(a^b)^c", "a*(-b)"] {
      let node = try FormulaParser.parse(text)
      XCTAssertEqual(try FormulaParser.parse(node.text), node, text)
    }
  }

  func testErrorsNameTheColumn() {
    func error(_ text: String) -> FormulaError? {
      do { _ = try FormulaParser.parse(text); return nil } catch { return error as? FormulaError }
    }
    XCTAssertEqual(error("E + A/(N^alpha"), FormulaError("'(' is never closed", column: 7))
    XCTAssertEqual(error("E + foo(N)"), FormulaError("unknown function 'foo' (the functions are exp, log, sqrt, min, max)", column: 5))
    XCTAssertEqual(error("min(N)"), FormulaError("min takes 2 arguments, given 1", column: 1))
    XCTAssertEqual(error("2N"), FormulaError("a number followed by a name ('2N'): write the product with '*'", column: 2))
    XCTAssertEqual(error("E +"), FormulaError("expected a number, a name or '(' but the formula ends", column: 4))
    XCTAssertEqual(error("E + A)"), FormulaError("')' without a matching '('", column: 6))
    XCTAssertEqual(error("E A"), FormulaError("expected an operator (+ - * / ^) or the end of the formula, found 'A'", column: 3))
    XCTAssertEqual(error(""), FormulaError("the formula is empty", column: 1))
    XCTAssertEqual(error("a + b; c = (1"), FormulaError("'(' is never closed", column: 12))
  }

  func testDefinitionsAreSubstituted() throws {
    XCTAssertEqual(try value("x + y; x = 2*y; y = 3"), 9)
    XCTAssertEqual(try FormulaParser.parse("A/Q; Q = N^a"), try FormulaParser.parse("A/N^a"))
    XCTAssertThrowsError(try FormulaParser.parse("A/Q; Q = Q + 1")) {
      XCTAssertEqual($0 as? FormulaError, FormulaError("the definition of Q uses Q itself", column: 6))
    }
    XCTAssertThrowsError(try FormulaParser.parse("A/Q; Q = R; R = Q")) {
      XCTAssertEqual(($0 as? FormulaError)?.message.contains("cycle"), true)
    }
    XCTAssertThrowsError(try FormulaParser.parse("A/N; Q = 3")) {
      XCTAssertEqual($0 as? FormulaError, FormulaError("Q is defined but never used", column: 6))
    }
  }

  /// No input exhausts the stack or the memory: a formula (its definitions included) is at most
  /// 2,000 nodes as read and 50,000 once expanded.
  func testFormulasAreBounded() {
    let deep = String(repeating: "(", count: 3000) + "N" + String(repeating: ")", count: 3000)
    XCTAssertThrowsError(try FormulaParser.parse(deep)) {
      XCTAssertEqual(($0 as? FormulaError)?.message.hasPrefix("the formula has more than 2000 terms"), true)
    }
    let doubling = "A*a + N; " + (0..<18).map { "v\($0) = v\($0 + 1)*v\($0 + 1)" }.joined(separator: "; ").replacingOccurrences(of: "v0 ", with: "a ") + "; v18 = N"
    XCTAssertThrowsError(try FormulaParser.parse(doubling)) {
      XCTAssertEqual(($0 as? FormulaError)?.message, "the definitions expand to more than 50,000 terms and operations")
    }
  }

  func testExponentsAreTheNamesRightOfACaret() throws {
    let node = try FormulaParser.parse("E + A/N^alpha + B/(m*D)^beta + exp(-k*S)")
    XCTAssertEqual(node.exponentNames, ["alpha", "beta"])
  }
}
