import Foundation
import XCTest

final class ReportCommandTests: XCTestCase {
  func testGnuplotMissingWritesScriptsAndFails() throws {
    let dir = try temporaryDirectory(self) + "/rep"
    let env = ["PATH": "/nonexistent"]
    let r = try CLI.run(["report", fixture("small.csv"), "--out", dir], environment: env)
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(
      r.stderr,
      "error: gnuplot is not installed: the .gp scripts were written but not rendered (install the Debian package gnuplot-nox, or pass --scripts-only)\n")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    XCTAssertTrue(files.contains("report.md"))
    XCTAssertTrue(files.contains("fit.json"))
    XCTAssertTrue(files.contains("plan.json"))
    XCTAssertTrue(files.contains("residuals.gp"))
    XCTAssertFalse(files.contains { $0.hasSuffix(".png") })
    let ok = try CLI.run(["report", fixture("small.csv"), "--out", dir, "--scripts-only"], environment: env)
    XCTAssertEqual(ok.status, 0, ok.stderr)
    XCTAssertTrue(ok.stdout.hasSuffix("figures (scripts only); report: \(dir)/report.md\n"), ok.stdout)
  }

  func testServingSectionAndFigureFromTheConfig() throws {
    let dir = try temporaryDirectory(self)
    let cfg = dir + "/s.yaml"
    try """
      files: [\(fixture("small.csv"))]
      out: \(dir)/out
      serving: {target_loss: 2.3, usd_per_gpu_hour: 2, gpu: h200, kv_bits: 8, context: 2048, prompt_tokens: 512, output_tokens: 256}
      """.write(toFile: cfg, atomically: true, encoding: .utf8)
    let r = try CLI.run(["report", "--config", cfg, "--scripts-only"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let md = try String(contentsOfFile: dir + "/out/report.md", encoding: .utf8)
    XCTAssertTrue(md.contains("## Serving"), md)
    XCTAssertTrue(md.contains("served on 1 x h200 (141.0 GB, 4.8 TB/s each), KV cache 8-bit, context 2048, 512 prompt + 256 output tokens"), md)
    let gp = try String(contentsOfFile: dir + "/out/serving-cost.gp", encoding: .utf8)
    XCTAssertTrue(gp.contains("title '1.58-bit weights (BitNet b1.58)'"), gp)
    let bad = dir + "/bad.yaml"
    try "files: [x.csv]\nout: \(dir)/o\nserving: {target_loss: 2.3, price: 2}\n".write(toFile: bad, atomically: true, encoding: .utf8)
    let e = try CLI.run(["report", "--config", bad])
    XCTAssertEqual(e.status, 2)
    XCTAssertTrue(e.stderr.contains("unknown serving setting 'price'"), e.stderr)
    let noPrice = try CLI.run(["report", fixture("small.csv"), "--out", dir + "/p", "--serving-target-loss", "2.3"])
    XCTAssertEqual(noPrice.status, 2)
    XCTAssertTrue(noPrice.stderr.contains("--serving-target-loss needs --serving-usd-per-gpu-hour"), noPrice.stderr)
  }

  func testConfigFileAndTemplate() throws {
    let t = try CLI.run(["report", "--write-config"])
    XCTAssertEqual(t.status, 0)
    XCTAssertTrue(t.stdout.hasPrefix("# scaling report configuration."))
    let dir = try temporaryDirectory(self)
    let cfg = dir + "/a.yaml"
    try """
      files: [\(fixture("small.csv"))]
      out: \(dir)/out
      law: chinchilla
      bootstrap: {resamples: 10, seed: 1}
      budgets: [1e20]
      """.write(toFile: cfg, atomically: true, encoding: .utf8)
    let r = try CLI.run(["report", "--config", cfg, "--scripts-only"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let md = try String(contentsOfFile: dir + "/out/report.md", encoding: .utf8)
    XCTAssertTrue(md.contains("Bootstrap: 10 resamples by point, seed 1"), md)
    XCTAssertTrue(md.contains("| 1e+20 (yours) |"), md)
    try "files: [x.csv]\nlaws: chinchilla\n".write(toFile: cfg, atomically: true, encoding: .utf8)
    let bad = try CLI.run(["report", "--config", cfg])
    XCTAssertEqual(bad.status, 2)
    XCTAssertTrue(bad.stderr.contains("--config \(cfg): unknown setting 'laws'"), bad.stderr)
  }

  func testMissingOut() throws {
    let r = try CLI.run(["report", fixture("small.csv")])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.hasPrefix("Error: Give --out FOLDER"), r.stderr)
  }
}
