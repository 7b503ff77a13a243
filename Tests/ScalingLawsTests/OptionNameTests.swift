import Foundation
import XCTest
@testable import ScalingLaws

/// Library messages name settings by the library's names unless a front end installs its
/// spelling (the CLI: flags).
final class OptionNameTests: XCTestCase {
  func testSpelling() throws {
    XCTAssertEqual(OptionName.spelling, .name)
    XCTAssertEqual("\(OptionName.minStep)", "min_step")
    XCTAssertEqual(Quantity.loss.columnOption, "loss_column")
    OptionName.spelling = .flag
    defer { OptionName.spelling = .name }
    XCTAssertEqual("\(OptionName.minStep)", "--min-step")
    XCTAssertEqual("\(OptionName.usdPerGPUHour)", "--usd-per-gpu-hour")
    XCTAssertEqual(Quantity.peakLR.columnOption, "--peak-lr-column")
    let csv = try CSVDocument(bytes: Array("N,D,loss\n1e6,1e9,3\n".utf8), name: "d.csv")
    var o = LoadOptions()
    o.minStep = 5
    XCTAssertThrowsError(try DatasetLoader(options: o, required: [.params, .tokens, .loss]).load(csv)) {
      XCTAssertEqual("\($0)", "d.csv:1: --min-step needs a step column (looked for 'step', 'steps', 'iteration', 'iter'); name it with --step-column")
    }
  }
}
