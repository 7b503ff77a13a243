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
    XCTAssertTrue(key.stderr.hasPrefix("error: --config \(path): line 3: a key that is not a name (a list or mapping used as a key)\n"), key.stderr)
    let (syntax, p2) = try run(head + " b: [\n")
    XCTAssertEqual(syntax.status, 2)
    XCTAssertTrue(
      syntax.stderr.hasPrefix("error: --config \(p2): not valid YAML (3:2: error: parser: while parsing a block mapping in line 1, column 1 did not find expected key)\n"),
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

/// Issue 34, item 2: a config value is a value. Each setting is one `--flag=value` token, a path
/// that starts with '-' is refused naming its key, and the command line's checks of a value name
/// the key and line it came from.
final class ConfigValueTests: XCTestCase {
  func run(_ yaml: String, extra: [String] = []) throws -> (CLIResult, String, String) {
    let dir = try temporaryDirectory(self)
    try FileManager.default.copyItem(atPath: fixture("small.csv"), toPath: dir + "/good.csv")
    let path = dir + "/a.yaml"
    try yaml.replacingOccurrences(of: "DIR", with: dir).write(toFile: path, atomically: true, encoding: .utf8)
    let r = try CLI.run(["report", "--config", path, "--scripts-only"] + extra, timeout: 120)
    return (r, path, dir)
  }

  func testAFileThatLooksLikeAFlagIsRefusedNotObeyed() throws {
    let (r, path, dir) = try run("files: [DIR/good.csv, \"--law=kaplan-n\"]\nout: DIR/o\n")
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(
      r.stderr,
      "error: --config \(path): line 1: 'files' is '--law=kaplan-n', which starts with '-' like a flag; write ./--law=kaplan-n for a path of that name\n")
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/o"))
  }

  func testAnOutFolderThatLooksLikeAFlagIsRefused() throws {
    let (r, path, _) = try run("files: [DIR/good.csv]\nout: \"--scripts-only\"\n")
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(
      r.stderr,
      "error: --config \(path): line 2: 'out' is '--scripts-only', which starts with '-' like a flag; write ./--scripts-only for a path of that name\n")
  }

  func testAColumnNameWithADashIsAColumnName() throws {
    let (r, path, dir) = try run("files: [DIR/good.csv]\nout: DIR/o\ncolumns: {loss: \"-logp\"}\n")
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(
      r.stderr,
      "error: --config \(path): line 3: 'columns.loss': \(dir)/good.csv:1: --loss-column '-logp': no such column; the header has 'N', 'D', 'loss'\n")
    XCTAssertFalse(r.stderr.contains("Missing value"))
  }

  func testANegativeBudgetNamesTheKeyAndLine() throws {
    let (r, path, dir) = try run("files: [DIR/good.csv]\nout: DIR/o\nbudgets: [1e20, -5]\n")
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(r.stderr, "error: --config \(path): line 3: 'budgets': --budgets must be positive FLOP counts (got -5.0).\n")
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/o"))
  }

  func testAnUnknownLawNamesTheKey() throws {
    let (r, path, _) = try run("files: [DIR/good.csv]\nout: DIR/o\nlaw: bogus\n")
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.hasPrefix("error: --config \(path): line 3: 'law': The value 'bogus' is invalid for '--law <law>'"), r.stderr)
  }

  func testBudgetsFromTheConfigAreAllPlanned() throws {
    let (r, _, dir) = try run("files: [DIR/good.csv]\nout: DIR/o\nbudgets: [1e20, 3e21]\n")
    XCTAssertEqual(r.status, 0, r.stderr)
    let plan = try String(contentsOfFile: dir + "/o/plan.json", encoding: .utf8)
    XCTAssertTrue(plan.contains("1e+20") || plan.contains("1e20"), plan)
    XCTAssertTrue(plan.contains("3e+21") || plan.contains("3e21"), plan)
  }
}
