import XCTest
@testable import ScalingLaws

final class ShortCountTests: XCTestCase {
  func testUnitsAfterRounding() {
    XCTAssertEqual(shortCount(70_426_624), "70.4M")
    XCTAssertEqual(shortCount(3e11), "300B")
    XCTAssertEqual(shortCount(999_999_999), "1B")
    XCTAssertEqual(shortCount(999_499_999), "999M")
    XCTAssertEqual(shortCount(999.7), "1K")
    XCTAssertEqual(shortCount(999_999_999_999_999), "1e+15")
    XCTAssertEqual(shortCount(1.48e16), "1.48e+16")
    XCTAssertEqual(shortCount(512), "512")
    XCTAssertEqual(shortCount(0), "0")
  }
}
