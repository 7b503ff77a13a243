import Foundation
import XCTest

/// Issue 34, item 1: `report` never overwrites its own inputs, nor a user's file in `--out`; the
/// refusal comes before any work (exit 2, nothing written), and the bytes on disk stay.
final class ReportProtectionTests: XCTestCase {
  let fm = FileManager.default

  func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

  func testAnInputNamedLikeAReportFileIsRefused() throws {
    let dir = try temporaryDirectory(self)
    let original = try bytes(fixture("small.csv"))
    for name in ["report.md", "plan.json", "fit.json", "residuals.gp", "loss-vs-compute.png"] {
      let data = dir + "/" + name
      try original.write(to: URL(fileURLWithPath: data))
      let r = try CLI.run(["report", data, "--out", dir, "--scripts-only"])
      XCTAssertEqual(r.status, 2, name)
      XCTAssertEqual(
        r.stderr,
        "error: \(data) is an input file of this report and one it would write; refusing to overwrite it (choose another output folder)\n",
        name)
      XCTAssertEqual(r.stdout, "")
      XCTAssertEqual(try bytes(data), original, name)
      XCTAssertEqual(try fm.contentsOfDirectory(atPath: dir).sorted(), [name], "nothing else written for \(name)")
      try fm.removeItem(atPath: data)
    }
  }

  func testAnInputLinkedFromTheFolderIsRefused() throws {
    let dir = try temporaryDirectory(self)
    let data = dir + "/data.csv"
    try fm.copyItem(atPath: fixture("small.csv"), toPath: data)
    try fm.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
    try fm.createSymbolicLink(atPath: dir + "/out/fit.json", withDestinationPath: data)
    let r = try CLI.run(["report", data, "--out", dir + "/out", "--scripts-only"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.hasPrefix("error: \(dir)/out/fit.json is the input file \(data) (the same file through a link)"), r.stderr)
    XCTAssertEqual(try bytes(data), try bytes(fixture("small.csv")))
  }

  func testTheConfigFileIsAnInputToo() throws {
    let dir = try temporaryDirectory(self)
    try fm.copyItem(atPath: fixture("small.csv"), toPath: dir + "/data.csv")
    let config = dir + "/report.md"
    let yaml = "files: [\(dir)/data.csv]\nout: \(dir)\n"
    try yaml.write(toFile: config, atomically: true, encoding: .utf8)
    let r = try CLI.run(["report", "--config", config, "--scripts-only"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.hasPrefix("error: \(dir)/report.md is an input file of this report"), r.stderr)
    XCTAssertEqual(try String(contentsOfFile: config, encoding: .utf8), yaml)
  }

  /// A `report.md`, `fit.json` or `plan.json` the user wrote, or a figure image without this
  /// tool's script beside it, is refused; the report's own files from an earlier run are replaced.
  func testAUsersOwnFilesInTheFolderAreKept() throws {
    let dir = try temporaryDirectory(self)
    let data = dir + "/data.csv"
    try fm.copyItem(atPath: fixture("small.csv"), toPath: data)
    let out = dir + "/out"
    try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
    for name in ["report.md", "fit.json", "plan.json", "residuals.png"] {
      let mine = out + "/" + name
      try "my own notes\n".write(toFile: mine, atomically: true, encoding: .utf8)
      let r = try CLI.run(["report", data, "--out", out])
      XCTAssertEqual(r.status, 2, name)
      XCTAssertEqual(
        r.stderr,
        "error: \(mine) exists and was not written by `scaling report`; refusing to replace it (move it away or choose another output folder)\n",
        name)
      XCTAssertEqual(try String(contentsOfFile: mine, encoding: .utf8), "my own notes\n")
      XCTAssertEqual(try fm.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }, [name], name)
      try fm.removeItem(atPath: mine)
    }
    // The tool's own report is replaced by the next one, and a file of another name is left alone.
    try "keep me\n".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
    XCTAssertEqual(try CLI.run(["report", data, "--out", out, "--scripts-only"]).status, 0)
    let second = try CLI.run(["report", data, "--out", out, "--scripts-only"])
    XCTAssertEqual(second.status, 0, second.stderr)
    XCTAssertEqual(try String(contentsOfFile: out + "/notes.txt", encoding: .utf8), "keep me\n")
  }
}
