import Foundation
import XCTest

/// Issue 22, item 7: `inspect` caps its lists.
final class InspectCapTests: XCTestCase {
  func testModelSizesAreCapped() throws {
    let dir = try temporaryDirectory(self)
    var rows = ["N,D,loss"]
    for k in 1...1000 { rows.append("\(k * 1_000_000),1e9,3") }
    try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/many.csv", atomically: true, encoding: .utf8)
    let r = try CLI.run(["inspect", dir + "/many.csv"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("    model sizes  = 1000: 1M, 2M, 3M, 4M, 5M, ... (990 more), 996M, 997M, 998M, 999M, 1B\n"), r.stdout)
    XCTAssertLessThan(r.stdout.utf8.count, 2000)
  }
}
