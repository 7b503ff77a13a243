import Foundation
import XCTest

/// Issue 22, item 4: every config key typed, errors naming the key and its line, aliases bounded.
final class ConfigTypingTests: XCTestCase {
  func run(_ yaml: String) throws -> (CLIResult, String) {
    let dir = try temporaryDirectory(self)
    let path = dir + "/a.yaml"
    try (yaml).write(toFile: path, atomically: true, encoding: .utf8)
    let r = try CLI.run(["report", "--config", path, "--scripts-only", "--out", dir + "/out"], timeout: 120)
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out/report.md"), "a report was written: \(r.stderr)")
    return (r, path)
  }

  var head: String { "files:\n  - \(fixture("small.csv"))\n" }

  func testBooleansAreTrueOrFalseOnly() throws {
    for (value, shown) in [("maybe", "'maybe'"), ("1", "1"), ("7", "7")] {
      let (r, path) = try run(head + "irreducible: \(value)\n")
      XCTAssertEqual(r.status, 2, value)
      XCTAssertTrue(r.stderr.contains("--config \(path): line 3: 'irreducible' must be true or false (got \(shown))"), r.stderr)
    }
    let (f, path) = try run(head + "filters:\n  final_only: 7\n")
    XCTAssertEqual(f.status, 2)
    XCTAssertTrue(f.stderr.contains("--config \(path): line 4: 'filters.final_only' must be true or false (got 7)"), f.stderr)
  }

  /// Found by the config fuzz target: a list used as a key crashed Yams' constructor, and a YAML
  /// syntax error was printed over four lines.
  func testMalformedYAMLIsOneLineAndNeverCrashes() throws {
    let (key, path) = try run(head + "? [a, b]\n: 1\n")
    XCTAssertEqual(key.status, 2)
    XCTAssertTrue(key.stderr.hasPrefix("Error: --config \(path): line 3: a key that is not a name (a list or mapping used as a key)\n"), key.stderr)
    let (syntax, p2) = try run(head + " b: [\n")
    XCTAssertEqual(syntax.status, 2)
    XCTAssertTrue(
      syntax.stderr.hasPrefix("Error: --config \(p2): not valid YAML (3:2: error: parser: while parsing a block mapping in line 1, column 1 did not find expected key)\n"),
      syntax.stderr)
  }

  func testResamplesNameTheKey() throws {
    let (r, path) = try run(head + "bootstrap:\n  resamples: -5\n")
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("--config \(path): line 4: 'bootstrap.resamples' must be a whole number of at least 0 (got -5)"), r.stderr)
    XCTAssertFalse(r.stderr.contains("Missing value"))
  }

  func testAnAliasBombIsRefusedQuickly() throws {
    var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for k in 1...12 { yaml += "a\(k): &a\(k) [" + Array(repeating: "*a\(k - 1)", count: 10).joined(separator: ", ") + "]\n" }
    yaml += head + "irreducible: false\n"
    let start = Date()
    let (r, path) = try run(yaml)
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("--config \(path): expands to more than 10000 values (YAML aliases); a config needs a few hundred"), r.stderr)
    XCTAssertLessThan(Date().timeIntervalSince(start), 60)
  }
}
