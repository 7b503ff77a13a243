import Foundation
import ScalingLaws
import XCTest

/// The library names settings in its messages (`OptionName`, `Quantity.columnOption`); the tool
/// spells them as flags. Every setting a library message can name must be a flag the tool
/// accepts, or a message would send the user to an option that does not exist.
final class OptionSpellingTests: XCTestCase {
  func testEveryNamedSettingIsAFlagOfTheTool() throws {
    var flags = Set<String>()
    for command in ["fit", "plan", "flops", "report", "predict", "ladder", "serve", "inspect", "hparams", "compare"] {
      let r = try CLI.run([command, "--help"])
      XCTAssertEqual(r.status, 0, command)
      let help = r.stdout as NSString
      let re = try NSRegularExpression(pattern: "--[a-z][a-z0-9-]*")
      for m in re.matches(in: r.stdout, range: NSRange(location: 0, length: help.length)) {
        flags.insert(help.substring(with: m.range))
      }
    }
    for name in OptionName.allCases {
      XCTAssertTrue(flags.contains(name.flag), "\(name.flag) (named by library messages) is not an option of any command")
    }
    OptionName.spelling = .flag
    defer { OptionName.spelling = .name }
    for q in Quantity.allCases where q != .x && q != .y {
      XCTAssertTrue(flags.contains(q.columnOption), "\(q.columnOption) is not an option of any command")
    }
  }

  /// The tool's messages use the flags: a library error seen through the CLI.
  func testMessagesThroughTheToolUseFlags() throws {
    let dir = try temporaryDirectory(self)
    let csv = dir + "/d.csv"
    try "N,D,loss\n1e6,1e9,3.1\n2e6,1e9,2.9\n".write(toFile: csv, atomically: true, encoding: .utf8)
    let r = try CLI.run(["fit", csv, "--min-step", "10"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stderr.hasPrefix("error: \(csv):1: --min-step needs a step column"), r.stderr)
  }
}
