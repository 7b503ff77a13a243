import Foundation
import XCTest

/// The corpus under Tests/Fixtures/bad: exact messages and exit codes, never a crash or a
/// hang, never a file at --output after an error.
final class HostileInputTests: XCTestCase {
  var corpus: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/bad")
  }

  func testCorpus() throws {
    let text = try String(contentsOf: corpus.appendingPathComponent("cases.tsv"), encoding: .utf8)
    let rows = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    XCTAssertGreaterThanOrEqual(rows.count, 30)
    let dir = try temporaryDirectory(self)
    for row in rows {
      let (input, argText, code) = (row[0], row[1], Int32(row[2])!)
      let expected = row.count > 3 ? row[3] : ""
      var file = corpus.appendingPathComponent(input).path
      switch input {
      case "GENERATED:binary.csv":
        file = dir + "/binary.csv"
        var bytes: [UInt8] = [0x4E, 0x2C, 0x00]
        var x: UInt32 = 12345
        for _ in 0..<4096 { x = x &* 1_103_515_245 &+ 12345; bytes.append(UInt8(truncatingIfNeeded: x >> 16)) }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
      case "GENERATED:big_field.csv":
        file = dir + "/big_field.csv"
        try ("N,D,loss\n1e8,1e9," + String(repeating: "x", count: 5_000_000) + "\n").write(toFile: file, atomically: true, encoding: .utf8)
      case "DIRECTORY", "MISSING": file = dir
      default: break
      }
      let sub = dir + "/case-\(UUID().uuidString)"
      try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
      func fill(_ s: String) -> String { s.replacingOccurrences(of: "{file}", with: file).replacingOccurrences(of: "{dir}", with: sub) }
      var args = argText.split(separator: " ").map { fill(String($0)) }
      if !args.contains("--output") { args += ["--output", sub + "/out"] }
      if input == "DIRECTORY" { args[1] = sub }
      let r = try CLI.run(args, timeout: 120)
      let label = "\(input) [\(argText)]"
      XCTAssertEqual(r.status, code, "\(label): \(r.stderr)")
      XCTAssertFalse(r.timedOut, "\(label) did not finish")
      let firstLine = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
      XCTAssertEqual(firstLine, fill(expected).replacingOccurrences(of: "{dir}", with: sub), label)
      if code != 0 {
        XCTAssertFalse(FileManager.default.fileExists(atPath: sub + "/out"), "\(label): a file was left at --output")
        XCTAssertFalse(r.stderr.contains("Backtrac") || r.stderr.contains("Fatal error"), "\(label) crashed")
      }
    }
  }
}
