import Foundation
import ScalingLaws
import XCTest

/// `scaling hparams` and `plan --hparams`.
final class HparamsCommandTests: XCTestCase {
  func json(_ args: [String]) throws -> [String: Any] {
    let r = try CLI.run(args + ["--format", "json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
  }

  /// `plan --hparams steplaw|deepseek` for a fixed run reproduce the published formulas (values
  /// computed by hand: HyperparameterTests) to 1e-6, in JSON keys beside params and tokens.
  func testPublishedSetsInPlan() throws {
    let s = try json(["plan", "--hparams", "steplaw", "--params", "1.07e9", "--tokens", "1e11", "--sequence-length", "4096"])
    XCTAssertEqual(s["learning_rate"] as! Double, 0.0015556159861613882, accuracy: 1e-6 * 0.0016)
    XCTAssertEqual(s["batch_tokens"] as! Double, 1107714.8899684167, accuracy: 1e-6 * 1.1e6)
    XCTAssertEqual(s["batch_sequences"] as! Double, 1107714.8899684167 / 4096, accuracy: 1e-6 * 270)
    XCTAssertEqual((s["hparams"] as! [String: Any])["law"] as? String, "steplaw")
    let d = try json(["plan", "--hparams", "deepseek", "--params", "1.07e9", "--tokens", "1e11"])
    XCTAssertEqual(d["learning_rate"] as! Double, 0.0007815094472561399, accuracy: 1e-6 * 0.00078)
    XCTAssertEqual(d["batch_tokens"] as! Double, 1868648.252756685, accuracy: 1e-6 * 1.9e6)
    let text = try CLI.run(["plan", "--hparams", "steplaw", "--params", "1.07e9", "--tokens", "1e11"])
    XCTAssertTrue(text.stdout.contains("    peak LR      = 0.001556  (steplaw)\n"), text.stdout)
    XCTAssertTrue(text.stdout.contains("    batch        = 1.11M tokens (1.108e+06)\n"), text.stdout)
    let csv = try CLI.run(["plan", "--hparams", "deepseek", "--flops", "1e22", "--format", "csv"])
    XCTAssertTrue(
      csv.stdout.hasPrefix(
        "law,query,flops,params,tokens,tokens_per_param,loss,learning_rate,learning_rate_lower,learning_rate_upper,batch_tokens,batch_tokens_lower,batch_tokens_upper,batch_sequences,notes\n"),
      csv.stdout)
  }

  /// A sweep generated from StepLaw's laws with a quadratic penalty: the fit file plans with
  /// intervals and says what the published sets would cost.
  /// The sweep of `testFitAndPlanWithTheFitFile` (batch in sequences of 1,024 tokens).
  static func writeSweep(_ path: String) throws {
    var rows = ["params,tokens,peak_lr,batch_size,loss"]
    let c = ChinchillaConstants.epoch
    var k = 0
    for N in [5e7, 1e8, 2e8, 4e8] {
      for D in [2e9, 8e9, 3.2e10] {
        let e = HyperparameterLaw.steplaw.learningRate.value(params: N, tokens: D)
        let b = HyperparameterLaw.steplaw.batch!.value(params: N, tokens: D) / 1024
        for i in [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5] {
          for j in [-2.0, -1, 0, 1, 2] {
            k += 1
            let u = i * log(2.0), v = j * log(2.0)
            let loss = c.loss(params: N, tokens: D) * (1 + 0.01 * u * u + 0.005 * v * v) * (1 + 0.002 * sin(Double(k) * 1.7))
            rows.append("\(N),\(D),\(e * pow(2, i)),\(b * pow(2, j)),\(loss)")
          }
        }
      }
    }
    try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
  }

  func testFitAndPlanWithTheFitFile() throws {
    let dir = try temporaryDirectory(self)
    try Self.writeSweep(dir + "/sweep.csv")
    let args = ["hparams", dir + "/sweep.csv", "--batch-unit", "sequences", "--sequence-length", "1024", "--bootstrap", "50"]
    let t = try CLI.run(args)
    XCTAssertEqual(t.status, 0, t.stderr)
    for section in ["[[Hyperparameters]]", "[[Laws]]", "[[Cells]]", "[[Leave one cell out]]", "    column       = batch <- batch_size x 1024 tokens\n"] {
      XCTAssertTrue(t.stdout.contains(section), section)
    }
    let fit = dir + "/hp.json"
    XCTAssertEqual(try CLI.run(args + ["--format", "json", "--output", fit]).status, 0)
    let f = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fit))) as? [String: Any])
    let lr = f["learning_rate"] as! [String: Double]
    XCTAssertEqual(lr["params_exponent"]!, -0.713, accuracy: 0.03)
    XCTAssertEqual(lr["tokens_exponent"]!, 0.307, accuracy: 0.03)
    XCTAssertEqual((f["batch"] as! [String: Double])["tokens_exponent"]!, 0.571, accuracy: 0.04)
    let csv = try CLI.run(args + ["--format", "csv"])
    XCTAssertEqual(csv.stdout.split(separator: "\n").count, 13)
    let p = try json(["plan", "--hparams", fit, "--params", "2e8", "--tokens", "8e9"])
    let intervals = p["intervals"] as! [String: [Double]]
    let eta = p["learning_rate"] as! Double, batch = p["batch_tokens"] as! Double
    XCTAssertEqual(eta, HyperparameterLaw.steplaw.learningRate.value(params: 2e8, tokens: 8e9), accuracy: 0.05 * eta)
    XCTAssertEqual(batch, HyperparameterLaw.steplaw.batch!.value(params: 2e8, tokens: 8e9), accuracy: 0.1 * batch)
    XCTAssertTrue(intervals["learning_rate"]![0] < eta && eta < intervals["learning_rate"]![1])
    XCTAssertTrue(intervals["batch_tokens"]![0] < batch && batch < intervals["batch_tokens"]![1])
    let alternatives = (p["hparams"] as! [String: Any])["alternatives"] as! [[String: Any]]
    XCTAssertEqual(alternatives.map { $0["law"] as! String }, ["steplaw", "deepseek"])
    XCTAssertLessThan(alternatives[0]["penalty"] as! Double, 0.0005, "the generating law costs next to nothing")
    let notes = p["notes"] as! [String]
    XCTAssertTrue(notes.contains { $0.hasPrefix("deepseek would train at peak LR") && $0.hasSuffix("loss by the fitted curvature") }, "\(notes)")
  }

  func testBadInput() throws {
    let dir = try temporaryDirectory(self)
    let oneLR = "N,D,lr,batch,loss\n1e8,2e9,1e-3,256,3.1\n1e8,2e9,1e-3,512,3.0\n1e8,2e9,1e-3,1024,3.05\n"
    try oneLR.write(toFile: dir + "/one.csv", atomically: true, encoding: .utf8)
    let bad = "N,D,lr,batch,loss\n1e8,2e9,1e-3,256,3.1\n1e8,2e9,-2e-3,512,3.0\n"
    try bad.write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
    let zeroBatch = "N,D,lr,batch,loss\n1e8,2e9,1e-3,0,3.1\n"
    try zeroBatch.write(toFile: dir + "/zero.csv", atomically: true, encoding: .utf8)
    let out = dir + "/out.json"
    let cases: [([String], String)] = [
      (["hparams", dir + "/one.csv"], "error: \(dir)/one.csv:2: cell N = 100M, D = 2B has one learning rate (0.001) over its 3 runs: a sweep needs at least 3 per cell to place an optimum"),
      (["hparams", dir + "/bad.csv"], "error: \(dir)/bad.csv:3: column 'lr': the learning rate -0.002 is not positive"),
      (["hparams", dir + "/zero.csv"], "error: \(dir)/zero.csv:2: column 'batch': the batch 0 is not positive"),
      (["hparams", dir + "/one.csv", "--batch-unit", "sequences"], "Error: --batch-unit sequences needs --sequence-length (tokens per sequence) to count the batch in tokens."),
      (["plan", "--flops", "1e22", "--hparams", "stepla"], "Error: --hparams stepla: not a named set (steplaw, deepseek) and no file of that name (a `scaling hparams --format json` file)."),
      (["plan", "--flops", "1e22", "--sequence-length", "2048"], "Error: --sequence-length gives the --hparams batch in sequences: it needs --hparams."),
      (["plan", "--flops", "1e22", "--hparams", dir + "/one.csv"], "error: --hparams \(dir)/one.csv: not a `scaling hparams --format json` file (not valid JSON)"),
    ]
    for (args, message) in cases {
      let r = try CLI.run(args + ["--output", out])
      XCTAssertEqual(r.status, 2, args.joined(separator: " "))
      XCTAssertEqual(r.stderr.components(separatedBy: "\n").first, message, args.joined(separator: " "))
      XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written")
    }
  }

  /// `predict --fit HPARAMS.json --params N --tokens D`: the same learning rate and batch as plan.
  func testPredictReadsTheFitFile() throws {
    let dir = try temporaryDirectory(self)
    try Self.writeSweep(dir + "/sweep.csv")
    let fit = dir + "/hp.json"
    XCTAssertEqual(
      try CLI.run(["hparams", dir + "/sweep.csv", "--batch-unit", "sequences", "--sequence-length", "1024", "--bootstrap", "20", "--format", "json", "--output", fit]).status, 0)
    let p = try json(["predict", "--fit", fit, "--params", "2e8", "--tokens", "8e9"])
    let row = try XCTUnwrap((p["predictions"] as? [[String: Any]])?.first)
    let plan = try json(["plan", "--hparams", fit, "--params", "2e8", "--tokens", "8e9"])
    XCTAssertEqual(row["learning_rate"] as! Double, plan["learning_rate"] as! Double)
    XCTAssertEqual(row["batch_tokens"] as! Double, plan["batch_tokens"] as! Double)
    XCTAssertNotNil(row["learning_rate_interval"] as? [Double])
    let text = try CLI.run(["predict", "--fit", fit, "--params", "2e8", "--tokens", "8e9"])
    XCTAssertTrue(text.stdout.hasPrefix("[[Hyperparameters]] hparams:\(fit)\n    parameters N = 200M"), text.stdout)
    let bad = try CLI.run(["predict", "--fit", fit, "--params", "2e8"])
    XCTAssertEqual(bad.status, 2)
    XCTAssertEqual(
      bad.stderr, "error: \(fit): a hyperparameter fit predicts the peak learning rate and batch of a run: give --params and --tokens (and nothing else)\n")
  }

  /// `report --hparams-sweep` (and the config's `hparams:`) adds the section, its three figure
  /// scripts and the plan's learning rate and batch.
  func testReportSection() throws {
    let dir = try temporaryDirectory(self)
    try Self.writeSweep(dir + "/sweep.csv")
    let data = datasetsFolder() + "/olmo-ladder/olmo_ladder_1b.csv"
    let r = try CLI.run([
      "report", data, "--out", dir + "/rep", "--scripts-only", "--hparams-sweep", dir + "/sweep.csv", "--hparams-batch-unit", "sequences",
      "--hparams-sequence-length", "1024",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let md = try String(contentsOfFile: dir + "/rep/report.md", encoding: .utf8)
    XCTAssertTrue(md.contains("## Learning rate and batch size (\(dir)/sweep.csv)\n\n360 runs in 12 cells."), md)
    XCTAssertTrue(md.contains("| budget (FLOPs) | parameters N | tokens D | D/N | loss | peak LR | batch (tokens) |"), md)
    for f in ["hparams-surfaces.gp", "hparams-laws.gp", "hparams-batch.gp"] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/rep/" + f), f)
    }
    let plan = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/rep/plan.json"))) as? [String: Any])
    let first = try XCTUnwrap((plan["plans"] as? [[String: Any]])?.first)
    XCTAssertNotNil(first["learning_rate"] as? Double)
    // The same from a config file.
    let config = """
      files: [\(data)]
      out: \(dir)/rep2
      hparams:
        sweep: \(dir)/sweep.csv
        batch_unit: sequences
        sequence_length: 1024
      """
    try config.write(toFile: dir + "/a.yaml", atomically: true, encoding: .utf8)
    let c = try CLI.run(["report", "--config", dir + "/a.yaml", "--scripts-only"])
    XCTAssertEqual(c.status, 0, c.stderr)
    XCTAssertEqual(try String(contentsOfFile: dir + "/rep2/hparams-laws.gp", encoding: .utf8), try String(contentsOfFile: dir + "/rep/hparams-laws.gp", encoding: .utf8))
    let ignored = try CLI.run(["report", data, "--out", dir + "/rep4", "--hparams-sweep", dir + "/sweep.csv", "--hparams-sequence-length", "1024"])
    XCTAssertEqual(ignored.status, 2)
    XCTAssertEqual(
      ignored.stderr.components(separatedBy: "\n").first,
      "Error: --hparams-sequence-length counts a batch given in sequences: it needs --hparams-batch-unit sequences.")
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/rep4"))
    let unknown = "files: [\(data)]\nout: \(dir)/rep3\nhparams:\n  sweeps: x.csv\n"
    try unknown.write(toFile: dir + "/b.yaml", atomically: true, encoding: .utf8)
    let u = try CLI.run(["report", "--config", dir + "/b.yaml"])
    XCTAssertEqual(u.status, 2)
    XCTAssertTrue(u.stderr.contains("unknown hparams setting 'sweeps' (known: batch_column, batch_unit, lr_column, sequence_length, sweep)"), u.stderr)
  }
}
