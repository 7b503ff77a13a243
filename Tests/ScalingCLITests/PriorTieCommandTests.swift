import Foundation
import XCTest

/// Issue 23 from the command line: `--prior`, `--tie` and `--auto` on `fit`, their errors, and the
/// fit file's record of them.
final class PriorTieCommandTests: XCTestCase {
  /// Each bad use is a usage error naming the flag: exit 2, nothing written.
  func testBadPriorsAndTiesAreUsageErrors() throws {
    let dir = try temporaryDirectory(self)
    let out = dir + "/fit.json"
    let cases: [([String], String)] = [
      (["--prior", "gamma=0.3+-0.1"], "Error: --prior gamma: the chinchilla law has no parameter 'gamma' (its parameters: E, A, B, alpha, beta).\n"),
      (["--prior", "alpha=0.3+-0"], "Error: --prior 'alpha=0.3+-0': the SD '0' must be a positive finite number.\n"),
      (["--prior", "alpha=0.3+--0.1"], "Error: --prior 'alpha=0.3+--0.1': the SD '-0.1' must be a positive finite number.\n"),
      (["--tie", "alpha=alpha"], "Error: --tie alpha=alpha: a parameter cannot be tied to itself.\n"),
      (["--tie", "beta=alpha", "--fix", "alpha=0.3"], "Error: --tie beta=alpha: alpha is fixed by --fix; fix both, or tie without the --fix.\n"),
      (["--prior", "alpha=0.3+-0.1", "--fix", "alpha=0.3"], "Error: --prior alpha: alpha is fixed by --fix; give the prior or the --fix, not both.\n"),
      (["--prior", "beta=0.3+-0.1", "--tie", "beta=alpha"], "Error: --prior beta: beta is tied to alpha by --tie; put the prior on alpha.\n"),
      (["--tie", "A=alpha"], "Error: --tie A=alpha: A is a scale constant and alpha an exponent of the chinchilla law; a tie joins two parameters of one kind (e.g. beta=alpha).\n"),
      (["--tie", "E=A"], "Error: --tie E=A: E is an irreducible loss and A a scale constant of the chinchilla law; a tie joins two parameters of one kind (e.g. beta=alpha).\n"),
      (["--prior", "alpha=-0.3+-0.1"], "Error: --prior alpha=-0.3+/-0.1: the mean -0.3 is not positive, and alpha is an exponent of the chinchilla law (positive).\n"),
      (["--prior", "E=-1+-0.1"], "Error: --prior E=-1+/-0.1: the mean -1 is negative, and E is an irreducible loss (0 or more).\n"),
      (["--huber-delta", "1e-300"], "Error: --huber-delta 1e-300 makes the objective numerically flat (below 1e-08, every residual is in its linear part, scaled by delta); use a delta near the residuals' size (default 1e-3) or --objective squared.\n"),
      (["--prior", "multi-power"], "Error: --prior multi-power: the multi-power set is for the multi-power law, not chinchilla.\n"),
      (["--prior", "none", "--prior", "chinchilla"], "Error: --prior none cannot be combined with other priors.\n"),
    ]
    for (flags, message) in cases {
      let r = try CLI.run(["fit", fixture("small.csv")] + flags + ["--format", "json", "--output", out])
      XCTAssertEqual(r.status, 2, "\(flags)")
      XCTAssertTrue(r.stderr.hasPrefix(message), "\(flags): \(r.stderr)")
      XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(flags)")
    }
  }

  /// A MAP fit with a tie: the text shows both terms of the objective and the tie; the fit file
  /// records the priors, their weight and the tie, and `predict` reads it back.
  func testPriorAndTieAreRecordedAndCarried() throws {
    let dir = try temporaryDirectory(self)
    let file = dir + "/fit.json"
    let args = ["fit", fixture("small.csv"), "--prior", "log10(A)=2.5+-1", "--prior", "alpha=0.34+-0.1", "--tie", "beta=alpha"]
    let text = try CLI.run(args)
    XCTAssertEqual(text.status, 0, text.stderr)
    XCTAssertTrue(text.stdout.contains("\n                   data term "), text.stdout)
    XCTAssertTrue(text.stdout.contains("    priors       = log10(A)=2.5+/-1, alpha=0.34+/-0.1\n"), text.stdout)
    XCTAssertTrue(text.stdout.range(of: #"\n    beta *: [0-9.e+-]+ \(tied to alpha\)\n"#, options: .regularExpression) != nil, text.stdout)
    XCTAssertEqual(try CLI.run(args + ["--format", "json", "--output", file]).status, 0)
    let fit = ((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any])["fits"] as! [[String: Any]])[0]
    XCTAssertEqual(fit["tied"] as? [String: String], ["beta": "alpha"])
    let priors = fit["priors"] as! [[String: Any]]
    XCTAssertEqual(priors.map { $0["on"] as! String }, ["log10(A)", "alpha"])
    XCTAssertEqual(priors.map { $0["sd"] as! Double }, [1, 0.1])
    XCTAssertGreaterThan(fit["prior_scale"] as! Double, 0)
    let p = fit["parameters"] as! [String: Double]
    XCTAssertEqual(p["beta"], p["alpha"])
    let objective = fit["objective"] as! Double, prior = fit["prior_term"] as! Double
    XCTAssertGreaterThan(prior, 0)
    XCTAssertLessThan(prior, objective)
    let predict = try CLI.run(["predict", "--fit", file, "--params", "1B", "--tokens", "20B"])
    XCTAssertEqual(predict.status, 0, predict.stderr)
    let expected = p["E"]! + p["A"]! / pow(1e9, p["alpha"]!) + p["B"]! / pow(2e10, p["beta"]!)
    XCTAssertTrue(predict.stdout.contains(String(format: "%.4f", expected)), "\(expected): \(predict.stdout)")
  }

  /// `--auto` on the OLMo ladder's final losses (<= 760M fitted, the 1B runs held out) and on
  /// mini-Pythia's (<= 10M fitted, the 10M and 19.5M held out): the table of candidates is
  /// printed, and the choice predicts the held-out finals no worse than the plain fit.
  func testAutoIsNeverWorseThanThePlainFitOnTheShippedLadders() throws {
    let stalled = ["L4-D128-S600", "L4-D192-S600", "L6-D256-S600", "L8-D320-S600", "L8-D448-S600"].flatMap { ["--exclude-run", $0] }
    let ladders: [[String]] = [
      [datasetsFolder() + "/olmo-ladder/olmo_ladder_1b.csv", "--params-column", "params", "--run-column", "run", "--holdout-above-params", "1e9"],
      [datasetsFolder() + "/minipythia.csv", "--params-column", "params_total", "--holdout-above-params", "1e7"] + stalled,
    ]
    for ladder in ladders {
      let base = ["fit"] + ladder + ["--law", "chinchilla", "--checkpoints", "final", "--format", "json"]
      func holdout(_ extra: [String]) throws -> (Double, [String: Any]) {
        let r = try CLI.run(base + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        let fit = ((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["fits"] as! [[String: Any]])[0]
        return ((fit["holdout"] as! [String: Any])["mean_abs_rel_error"] as! Double, fit)
      }
      let (plain, _) = try holdout([])
      let (auto, fit) = try holdout(["--auto"])
      XCTAssertLessThanOrEqual(auto, plain * (1 + 1e-12), ladder[0])
      let a = fit["auto"] as! [String: Any]
      let names = (a["candidates"] as! [[String: Any]]).map { $0["name"] as! String }
      XCTAssertEqual(names, ["as given", "priors chinchilla", "tied beta=alpha", "priors chinchilla, tied beta=alpha"], ladder[0])
      XCTAssertTrue(names.contains(a["chosen"] as! String))
    }
  }
}

/// Issue 23, item 4 from the command line: `plan --law ISO.json` and `predict --fit ISO.json`.
final class FrontierCommandTests: XCTestCase {
  /// An IsoFLOP grid of Hoffmann's printed constants, +/- 2 decades around each optimum.
  func isoflopFile(_ dir: String) throws -> String {
    var rows = ["budget,params,tokens,loss"]
    let (E, A, B, alpha, beta) = (1.69, 406.4, 410.7, 0.34, 0.28)
    let G = pow(alpha * A / (beta * B), 1 / (alpha + beta)), a = beta / (alpha + beta)
    for C in [1e17, 3e17, 1e18, 3e18, 1e19, 3e19] {
      let n0 = G * pow(C / 6, a)
      for k in 0..<9 {
        let n = n0 * pow(10, -2 + 4 * Double(k) / 8)
        let d = C / (6 * n)
        rows.append("\(C),\(n),\(d),\(E + A / pow(n, alpha) + B / pow(d, beta))")
      }
    }
    let path = dir + "/iso.csv"
    try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func testPlanAndPredictWithAnIsoflopFit() throws {
    let dir = try temporaryDirectory(self)
    let csv = try isoflopFile(dir)
    let iso = dir + "/iso.json"
    let fit = try CLI.run(["fit", csv, "--approach", "isoflop", "--budget-column", "budget", "--bootstrap", "50", "--format", "json", "--output", iso])
    XCTAssertEqual(fit.status, 0, fit.stderr)
    // The law's own optimum at 1e21 FLOPs: N* = G (C/6)^a.
    let (alpha, beta) = (0.34, 0.28)
    let G = pow(alpha * 406.4 / (beta * 410.7), 1 / (alpha + beta)), a = beta / (alpha + beta)
    let n = G * pow(1e21 / 6, a), d = 1e21 / (6 * n)
    let loss = 1.69 + 406.4 / pow(n, alpha) + 410.7 / pow(d, beta)
    let plan = try CLI.run(["plan", "--law", iso, "--flops", "1e21", "--format", "json"])
    XCTAssertEqual(plan.status, 0, plan.stderr)
    let p = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(p["params"] as! Double / n, 1, accuracy: 0.02)
    XCTAssertEqual(p["tokens"] as! Double / d, 1, accuracy: 0.02)
    XCTAssertEqual(p["loss"] as! Double / loss, 1, accuracy: 0.005)
    let intervals = p["intervals"] as! [String: [Double]]
    XCTAssertEqual(Set(intervals.keys), ["params", "tokens", "loss"])
    XCTAssertTrue((p["law_source"] as! String).hasPrefix("IsoFLOP (Approach 2, shape vertices) frontier fitted by scaling fit to "))
    // The cost question needs a law of N and D: a usage error.
    let cost = try CLI.run(["plan", "--law", iso, "--params", "7B", "--tokens", "2T"])
    XCTAssertEqual(cost.status, 2)
    XCTAssertTrue(cost.stderr.contains("--params with --tokens (the cost question) needs the loss of any (N, D)"), cost.stderr)
    // predict answers the optimum of a budget, and refuses rows.
    let predict = try CLI.run(["predict", "--fit", iso, "--flops", "1e21", "--format", "json"])
    XCTAssertEqual(predict.status, 0, predict.stderr)
    let q = ((try JSONSerialization.jsonObject(with: Data(predict.stdout.utf8)) as! [String: Any])["predictions"] as! [[String: Any]])[0]
    XCTAssertEqual(q["params"] as! Double, p["params"] as! Double)
    let rows = try CLI.run(["predict", "--fit", iso, csv])
    XCTAssertEqual(rows.status, 2)
    XCTAssertTrue(rows.stderr.contains("an Approach 1/2 fit predicts the optimum of a budget"), rows.stderr)
  }
}

/// Issue 23 in `report`: the choice by backtest is on by default (`--no-auto`, `auto: false`), and
/// the config's `fix`, `tie`, `priors` and `auto` keys are typed.
final class ReportAutoTests: XCTestCase {
  func testReportChoosesByBacktestAndReadsTheKeys() throws {
    let dir = try temporaryDirectory(self)
    let stalled = "[L4-D128-S600, L4-D192-S600, L6-D256-S600, L8-D320-S600, L8-D448-S600]"
    let head = "files: [\(datasetsFolder())/minipythia.csv]\ncolumns: {params: params_total}\ncheckpoints: final\nlaw: chinchilla\nfilters: {exclude_runs: \(stalled)}\n"
    func report(_ yaml: String, _ name: String) throws -> (CLIResult, String) {
      let path = dir + "/\(name).yaml"
      try (head + yaml).write(toFile: path, atomically: true, encoding: .utf8)
      let r = try CLI.run(["report", "--config", path, "--scripts-only", "--out", dir + "/\(name)"], timeout: 120)
      let md = (try? String(contentsOfFile: dir + "/\(name)/report.md", encoding: .utf8)) ?? ""
      return (r, md)
    }
    let (r, md) = try report("", "auto")
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(md.contains("### Choice by backtest"), md)
    XCTAssertTrue(md.contains("| **as given** (chosen) | "), md)
    XCTAssertTrue(md.contains("| tied beta=alpha | "), md)
    let (off, offMD) = try report("auto: false\n", "off")
    XCTAssertEqual(off.status, 0, off.stderr)
    XCTAssertFalse(offMD.contains("Choice by backtest"))
    let (map, mapMD) = try report("auto: false\ntie: {beta: alpha}\npriors: [\"alpha=0.34+-0.1\"]\nfix: {E: 0.7}\n", "map")
    XCTAssertEqual(map.status, 0, map.stderr)
    XCTAssertTrue(mapMD.contains("MAP fit with priors `alpha=0.34+/-0.1`: data term "), mapMD)
    XCTAssertTrue(mapMD.contains("Tied: beta = alpha."), mapMD)
    XCTAssertTrue(mapMD.contains("| E | 0.7 | 0 |"), mapMD)
    for (yaml, message) in [
      ("fix: {E: maybe}\n", "line 6: 'fix.E' must be a number (got 'maybe')"),
      ("tie: {beta: 3}\n", "line 6: 'tie.beta' must be a parameter name (got 3)"),
      ("priors: alpha\n", "'priors' must be a list (a named set, none, or NAME=MEAN+-SD)"),
      ("auto: 1\n", "line 6: 'auto' must be true or false (got 1)"),
    ] {
      let (bad, _) = try report(yaml, "bad")
      XCTAssertEqual(bad.status, 2, yaml)
      XCTAssertTrue(bad.stderr.contains(message), "\(yaml): \(bad.stderr)")
      XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/bad/report.md"))
    }
  }
}
