import XCTest
@testable import ScalingLaws

final class NumberParserTests: XCTestCase {
  func parse(_ s: String, suffix: Bool = true) -> Result<Double, NumberParser.Failure> {
    let b = Array(s.utf8)
    return NumberParser.parse(b, 0, b.count, allowSuffix: suffix)
  }

  func testDecimalScientificAndSuffixes() {
    XCTAssertEqual(try parse("3.25").get(), 3.25)
    XCTAssertEqual(try parse(" 1e-3 ").get(), 1e-3)
    XCTAssertEqual(try parse("70M").get(), 70e6)
    XCTAssertEqual(try parse("1.4B").get(), 1.4e9)
    XCTAssertEqual(try parse("300b").get(), 300e9)
    XCTAssertEqual(try parse("2T").get(), 2e12)
    XCTAssertEqual(try parse("10K").get(), 1e4)
    XCTAssertEqual(try parse("6.9G").get(), 6.9e9)
  }

  func testSuffixOnlyWhereAllowed() {
    XCTAssertEqual(parse("70M", suffix: false), .failure(.notANumber))
  }

  func testFailures() {
    XCTAssertEqual(parse(""), .failure(.empty))
    XCTAssertEqual(parse("  "), .failure(.empty))
    XCTAssertEqual(parse("abc"), .failure(.notANumber))
    XCTAssertEqual(parse("1.2.3"), .failure(.notANumber))
    XCTAssertEqual(parse("NaN"), .failure(.nan))
    XCTAssertEqual(parse("-inf"), .failure(.infinite))
    XCTAssertEqual(parse("Infinity"), .failure(.infinite))
    XCTAssertEqual(parse("1e400"), .failure(.overflow))
    XCTAssertEqual(parse("0x10"), .failure(.notANumber))
    XCTAssertEqual(parse("M"), .failure(.notANumber))
  }
}

extension NumberParserTests {
  func testThousandsSeparators() {
    XCTAssertEqual(try parse("1,000,000,000").get(), 1e9)
    XCTAssertEqual(try parse("12,345.5").get(), 12345.5)
    XCTAssertEqual(parse("1,00"), .failure(.notANumber))
    XCTAssertEqual(parse(",100"), .failure(.notANumber))
    XCTAssertEqual(parse("1,0000"), .failure(.notANumber))
  }
}
