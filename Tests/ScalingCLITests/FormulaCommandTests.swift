import Foundation
import ScalingLaws
import XCTest

/// `scaling fit --formula`, named formula laws, and their fit files in `predict` and `plan`.
final class FormulaCommandTests: XCTestCase {
  static let chinchilla = "E + A/N^alpha + B/D^beta"

  func testAFormulaThatDoesNotParseNamesTheColumn() throws {
    let r = try CLI.run(["fit", (datasetsFolder() + "/olmo-ladder/olmo_ladder_1b.csv"), "--formula", "E + A/(N^alpha + B/D^beta"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(
      r.stderr.hasPrefix("Error: --formula: '(' is never closed at column 7:\n  E + A/(N^alpha + B/D^beta\n        ^\n"), r.stderr)
  }

  func testBadNamesAreClearUsageErrors() throws {
    let f = (datasetsFolder() + "/olmo-ladder/olmo_ladder_1b.csv")
    let cases: [([String], String)] = [
      (["--formula", Self.chinchilla, "--bound", "gamma=0:1"], "Error: --formula: --bound gamma: the formula has no parameter 'gamma' (its parameters: E, A, alpha, B, beta)."),
      (["--formula", Self.chinchilla, "--input", "U=unique"], "Error: --formula: input U (unique) is not used by the formula."),
      (["--formula", "A*x"], "Error: --formula: the formula uses no input: name N, D, C or S, or declare a column with --input NAME=column (its names: A, x)."),
      (["--bound", "alpha=0:1"], "Error: --bound does not apply without --formula (they describe a formula law's inputs and parameters)."),
      (["--formula", Self.chinchilla, "--law", "kaplan-n"], "Error: --law kaplan-n and --formula name two laws: give one (the formula is the law)."),
      (["--formula", Self.chinchilla, "--fix", "gamma=1"], "Error: --fix gamma: the formula law has no parameter 'gamma' (its parameters: E, A, alpha, B, beta)."),
    ]
    for (args, message) in cases {
      let r = try CLI.run(["fit", f] + args)
      XCTAssertEqual(r.status, 2, args.joined(separator: " "))
      XCTAssertEqual(r.stderr.components(separatedBy: "\n").first, message, args.joined(separator: " "))
      XCTAssertEqual(r.stdout, "")
    }
  }

  func testAnInputWithNoColumnNamesTheFile() throws {
    let f = (datasetsFolder() + "/olmo-ladder/olmo_ladder_1b.csv")
    let r = try CLI.run(["fit", f, "--formula", "E + A/N^alpha + B/(D/U)^beta", "--input", "U=unique_tokens"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stderr.hasPrefix("error: \(f):1: --input U=unique_tokens: no such column; the header has"), r.stderr)
  }

  /// fit → fit file → predict and plan: the formula law round-trips, and plans with intervals
  /// that agree with the built-in law's closed form fitted to the same data.
  func testFitFileRoundTripPredictAndPlan() throws {
    let dir = try temporaryDirectory(self)
    let data = (datasetsFolder() + "/olmo-ladder/olmo_ladder_1b.csv")
    let ff = dir + "/f.json", fb = dir + "/b.json"
    XCTAssertEqual(try CLI.run(["fit", data, "--formula", Self.chinchilla, "--bootstrap", "20", "--format", "json", "--output", ff]).status, 0)
    XCTAssertEqual(try CLI.run(["fit", data, "--bootstrap", "20", "--format", "json", "--output", fb]).status, 0)
    let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: ff))) as! [String: Any]
    let fit = (doc["fits"] as! [[String: Any]])[0]
    XCTAssertEqual(fit["law"] as? String, "formula")
    XCTAssertEqual(fit["formula"] as? String, "L = " + Self.chinchilla)
    XCTAssertEqual((fit["formula_law"] as? [String: Any])?["residual"] as? String, "log")
    func json(_ args: [String]) throws -> [String: Any] {
      let r = try CLI.run(args + ["--format", "json"])
      XCTAssertEqual(r.status, 0, r.stderr)
      return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }
    let pf = try json(["predict", "--fit", ff, "--params", "1B", "--tokens", "20B"])
    let pb = try json(["predict", "--fit", fb, "--params", "1B", "--tokens", "20B"])
    let lf = ((pf["predictions"] as! [[String: Any]])[0]["rows"] as! [[String: Any]])[0]["predicted"] as! Double
    let lb = ((pb["predictions"] as! [[String: Any]])[0]["rows"] as! [[String: Any]])[0]["predicted"] as! Double
    XCTAssertEqual(lf, lb, accuracy: 1e-6 * lb)
    let af = try json(["plan", "--law", ff, "--flops", "1e22"])
    let ab = try json(["plan", "--law", fb, "--flops", "1e22"])
    let nf = af["params"] as! Double, nb = ab["params"] as! Double
    XCTAssertEqual(nf, nb, accuracy: 1e-5 * nb)
    let interval = (af["intervals"] as! [String: Any])["params"] as! [Double]
    XCTAssertLessThan(interval[0], nf)
    XCTAssertGreaterThan(interval[1], nf)
  }

  /// The named data-constrained law fitted to data generated from Muennighoff et al.'s
  /// constants plans what the published constants plan (7.03B, 237B, 9.49 epochs at 1e22 FLOPs
  /// with 25B unique tokens) within its bootstrap interval.
  func testDataConstrainedFitPlansThePublishedAllocation() throws {
    let dir = try temporaryDirectory(self)
    // Generated with the published constants (NamedFormulaTests.synthetic's grid, 0.5% noise).
    var csv = "params,tokens,unique_tokens,loss\n"
    let E = exp(0.6254804), A = exp(6.255414), B = exp(7.3049974), al = 0.3526596, RD = 15.387756, RN = 5.309743
    let G = pow(A / B, 1 / (2 * al))
    var seed: UInt64 = 7
    func noise() -> Double {
      // Box-Muller on a SplitMix64 stream.
      func next() -> Double {
        seed &+= 0x9E37_79B9_7F4A_7C15
        var z = seed
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
      }
      return (-2 * log(next() + 1e-300)).squareRoot() * cos(2 * .pi * next())
    }
    for n in [5e7, 1e8, 2e8, 5e8, 1e9, 2e9, 4e9] {
      for u in [1e8, 1e9, 4e9, 1.6e10] {
        for epochs in [0.25, 1, 2, 4, 8, 16, 32, 64] {
          let d = u * epochs, ud = min(u, d)
          let dp = ud + ud * RD * (1 - exp(-max(d / ud - 1, 0) / RD))
          let un = min(n, G * ud * G), np = un + un * RN * (1 - exp(-max(n / un - 1, 0) / RN))
          csv += "\(n),\(d),\(u),\(((E + A / pow(np, al) + B / pow(dp, al)) * exp(0.005 * noise())))\n"
        }
      }
    }
    try csv.write(toFile: dir + "/dc.csv", atomically: true, encoding: .utf8)
    let fit = dir + "/dc.json"
    let r = try CLI.run(["fit", dir + "/dc.csv", "--law", "data-constrained", "--bootstrap", "40", "--format", "json", "--output", fit])
    XCTAssertEqual(r.status, 0, r.stderr)
    let p = try CLI.run(["plan", "--law", fit, "--flops", "1e22", "--unique-tokens", "25B", "--format", "json"])
    XCTAssertEqual(p.status, 0, p.stderr)
    let a = try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as! [String: Any]
    let intervals = a["intervals"] as! [String: [Double]]
    XCTAssertEqual(a["params"] as! Double, 7.03e9, accuracy: 0.05 * 7.03e9)
    XCTAssertEqual(a["tokens"] as! Double, 237e9, accuracy: 0.05 * 237e9)
    XCTAssertLessThan(intervals["params"]![0], 7.026e9)
    XCTAssertGreaterThan(intervals["params"]![1], 7.026e9)
    XCTAssertLessThan(intervals["tokens"]![0], 237.3e9)
    XCTAssertGreaterThan(intervals["tokens"]![1], 237.3e9)
    let missing = try CLI.run(["plan", "--law", fit, "--flops", "1e22"])
    XCTAssertEqual(missing.status, 2)
    XCTAssertEqual(
      missing.stderr, "error: \(fit): the law's input U (fitted from column 'unique_tokens') has no value: give --at U=VALUE (or --unique-tokens) or let the plan choose it with --choose U=LO:HI\n")
  }
}

final class JointFitCommandTests: XCTestCase {
  /// The OLMo ladder's final losses split into two pseudo-recipes, B's tokens divided by 1.5: the
  /// joint fit recovers m_B/m_A = 1.5 within its interval, and `compare` reports the compute
  /// multiplier the fitted law implies (the generating law's is 1.5 at every budget) with a
  /// bootstrap interval that covers it.
  func testInjectedRecipeEffectAndCompare() throws {
    let dir = try temporaryDirectory(self)
    let text = try String(contentsOfFile: datasetsFolder() + "/olmo-ladder/olmo_ladder_1b.csv", encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let (iRun, iParams, iTokens, iLoss, iLast) = (
      header.firstIndex(of: "run")!, header.firstIndex(of: "params")!, header.firstIndex(of: "tokens")!,
      header.firstIndex(of: "loss")!, header.firstIndex(of: "is_last_row")!)
    var finals = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
      .filter { ["1", "True", "true"].contains($0[iLast]) }
    finals.sort { (Double($0[iParams])!, Double($0[iTokens])!) < (Double($1[iParams])!, Double($1[iTokens])!) }
    XCTAssertEqual(finals.count, 24)
    var csv = "run,params,tokens,loss,recipe\n"
    for (k, f) in finals.enumerated() {
      let b = k % 2 == 1
      csv += "\(f[iRun]),\(f[iParams]),\(Double(f[iTokens])! / (b ? 1.5 : 1)),\(f[iLoss]),\(b ? "B" : "A")\n"
    }
    try csv.write(toFile: dir + "/two.csv", atomically: true, encoding: .utf8)
    let fit = dir + "/joint.json"
    let r = try CLI.run([
      "fit", dir + "/two.csv", "--group-column", "recipe", "--formula", "E + A/N^alpha + B/(m*D)^beta", "--start", "m=1",
      "--shared", "E,A,alpha,B,beta", "--fix", "m_A=1", "--bootstrap", "100", "--format", "json", "--output", fit,
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fit))) as! [String: Any]
    let record = (doc["fits"] as! [[String: Any]])[0]
    let m = (record["parameters"] as! [String: Double])["m_B"]!
    let interval = (record["intervals"] as! [String: [Double]])["m_B"]!
    XCTAssertLessThan(interval[0], 1.5)
    XCTAssertGreaterThan(interval[1], 1.5)
    let c = try CLI.run(["compare", "--fit", fit, "--baseline", "A", "--candidate", "B", "--flops", "1e20,1e22,1e24", "--format", "json"])
    XCTAssertEqual(c.status, 0, c.stderr)
    let rows = (try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as! [String: Any])["rows"] as! [[String: Any]]
    XCTAssertEqual(rows.count, 3)
    for row in rows {
      // For B/(m D)^beta the multiplier is m at every budget: the fitted law's k is its m_B.
      XCTAssertEqual(row["multiplier"] as! Double, m, accuracy: 1e-5 * m)
      let k = row["interval"] as! [Double]
      XCTAssertLessThan(k[0], 1.5)
      XCTAssertGreaterThan(k[1], 1.5)
    }
    let p = try CLI.run(["plan", "--law", fit, "--group", "B", "--flops", "1e22", "--format", "json"])
    XCTAssertEqual(p.status, 0, p.stderr)
    let bad = try CLI.run(["compare", "--fit", fit, "--baseline", "A", "--candidate", "C"])
    XCTAssertEqual(bad.status, 2)
    XCTAssertEqual(bad.stderr, "error: \(fit): no group 'C' in the joint fit (its groups: A, B)\n")
    let shared = try CLI.run(["fit", dir + "/two.csv", "--group-column", "recipe", "--formula", "E + A/N^alpha", "--shared", "gamma"])
    XCTAssertEqual(shared.status, 2)
    XCTAssertEqual(shared.stderr, "error: --shared gamma: the formula has no parameter 'gamma' (its parameters: E, A, alpha)\n")
    // The report's comparison section: the same k at six budgets, a table and a figure; from a
    // config too; a group the fit lacks refused with the flag named.
    let data = datasetsFolder() + "/olmo-ladder/olmo_ladder_1b.csv"
    let rep = try CLI.run([
      "report", data, "--out", dir + "/rep", "--scripts-only", "--compare-fit", fit, "--compare-baseline", "A", "--compare-candidate", "B",
    ])
    XCTAssertEqual(rep.status, 0, rep.stderr)
    let md = try String(contentsOfFile: dir + "/rep/report.md", encoding: .utf8)
    XCTAssertTrue(md.contains("## Recipes compared: B against A\n"), md)
    XCTAssertTrue(md.contains("| budget (FLOPs) | L* A | L* B | k | interval |\n"), md)
    XCTAssertEqual(md.components(separatedBy: " | \(number("%.4g", m)) | ").count - 1, 6, "k = m_B at six budgets")
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/rep/recipe-comparison.gp"))
    let config = "files: [\(data)]\nout: \(dir)/rep2\ncompare:\n  fit: \(fit)\n  baseline: A\n  candidate: B\n"
    try config.write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
    let viaConfig = try CLI.run(["report", "--config", dir + "/c.yaml", "--scripts-only"])
    XCTAssertEqual(viaConfig.status, 0, viaConfig.stderr)
    XCTAssertEqual(
      try String(contentsOfFile: dir + "/rep2/recipe-comparison.gp", encoding: .utf8), try String(contentsOfFile: dir + "/rep/recipe-comparison.gp", encoding: .utf8))
    let missing = try CLI.run(["report", data, "--out", dir + "/rep3", "--compare-fit", fit, "--compare-baseline", "A", "--compare-candidate", "C"])
    XCTAssertEqual(missing.status, 2)
    XCTAssertEqual(missing.stderr, "error: --compare-fit \(fit): no group 'C' in the joint fit (its groups: A, B)\n")
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/rep3/report.md"))
    let half = try CLI.run(["report", data, "--out", dir + "/rep3", "--compare-fit", fit])
    XCTAssertEqual(half.status, 2)
    XCTAssertEqual(
      half.stderr.components(separatedBy: "\n").first,
      "Error: --compare-fit, --compare-baseline and --compare-candidate go together (a joint fit and its two groups).")
  }
}

/// Named formula laws with published constants in `plan`, inputs a plan chooses (`--choose`),
/// and compute rules (`--compute-rule`, the vocabulary law's 6(N + VW)D).
final class ChosenInputCommandTests: XCTestCase {
  func json(_ args: [String]) throws -> [String: Any] {
    let r = try CLI.run(args + ["--format", "json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
  }

  /// `plan --law vocab` at Tao et al.'s constants chooses N, D and V at 1e22 FLOPs (the values
  /// solved independently: ScalingLawsTests.NamedFormulaTests), in JSON and CSV.
  func testVocabPlanChoosesTheVocabulary() throws {
    let args = ["plan", "--law", "vocab", "--flops", "1e22", "--choose", "V=1K:1M", "--at", "W=4096"]
    let a = try json(args)
    XCTAssertEqual(a["law"] as? String, "vocab")
    XCTAssertEqual(a["params"] as! Double, 1179271048.0022361, accuracy: 1e-7 * 1.18e9)
    XCTAssertEqual(a["tokens"] as! Double, 1251169931256.8494, accuracy: 1e-7 * 1.25e12)
    XCTAssertEqual((a["inputs"] as! [String: Double])["V"]!, 37308.47791887438, accuracy: 1e-6 * 37308)
    XCTAssertEqual(a["loss"] as! Double, -5.360390964485081, accuracy: 1e-12)
    let csv = try CLI.run(args + ["--format", "csv"])
    XCTAssertEqual(csv.status, 0)
    XCTAssertTrue(csv.stdout.hasPrefix("law,query,flops,params,tokens,tokens_per_param,loss,chosen_V,chosen_V_lower,chosen_V_upper,notes\n"), csv.stdout)
    let text = try CLI.run(args)
    XCTAssertTrue(text.stdout.contains("    chosen V     = 37.3K (3.731e+04)\n"), text.stdout)
    XCTAssertTrue(text.stdout.contains("note         = chosen: V = 37.3K (the loss-minimising value within 1K to 1M at this budget)"), text.stdout)
    let listing = try CLI.run(["plan", "--list-laws"])
    XCTAssertTrue(listing.stdout.contains("vocab\n    L = A1/(N/1e6)^beta + A2/(V*W/1e6)^alpha2 + B/(D/1e9)^beta - E: A1 = 1.8313851559554126"), listing.stdout)
    XCTAssertTrue(listing.stdout.contains("compute rule C = 6*(N + V*W)*D"))
  }

  func testChooseAndAtErrors() throws {
    let base = ["plan", "--law", "vocab", "--flops", "1e22"]
    let cases: [([String], String)] = [
      ([], "error: vocab: the law's input V (fitted from column 'vocab_size') has no value: give --at V=VALUE or let the plan choose it with --choose V=LO:HI"),
      (["--choose", "V=1K:1M", "--choose", "W=1K:8K"], "Error: --choose: one input at a time (given: V, W); hold the others with --at."),
      (["--choose", "V=1K:1M", "--at", "V=32K", "--at", "W=4096"], "Error: --choose V and --at V: an input is either held or chosen."),
      (["--choose", "X=1:2", "--at", "W=4096"], "Error: --choose X: the law has no input 'X' (its other inputs: V, W)."),
      (["--choose", "V=1M:1K", "--at", "W=4096"], "Error: --choose 'V=1M:1K': the range needs 0 < lo < hi (it is searched on a log scale)."),
      (["--choose", "V=1K", "--at", "W=4096"], "Error: --choose 'V=1K': expected name=lo:hi with numbers, e.g. V=8K:512K."),
      (["--choose", "N=1:2", "--at", "W=4096"], "Error: --choose N: N is what the plan chooses (or --params/--tokens/--flops sets) (its other inputs: V, W)."),
    ]
    for (args, message) in cases {
      let r = try CLI.run(base + args)
      XCTAssertEqual(r.status, 2, args.joined(separator: " "))
      XCTAssertEqual(r.stderr.components(separatedBy: "\n").first, message, args.joined(separator: " "))
      XCTAssertEqual(r.stdout, "")
    }
    let fixed = try CLI.run(["plan", "--law", "vocab", "--params", "7e9", "--tokens", "1e12", "--choose", "V=1K:1M", "--at", "W=4096"])
    XCTAssertEqual(fixed.status, 2)
    XCTAssertEqual(
      fixed.stderr,
      "error: --params with --tokens fixes the run, so there is no optimum to choose V at: give --at V=VALUE (--choose applies to --flops, --target-loss, --params alone and --tokens alone)\n")
    let dense = try CLI.run(["plan", "--flops", "1e22", "--choose", "V=1K:1M"])
    XCTAssertEqual(dense.status, 2)
    XCTAssertEqual(
      dense.stderr.components(separatedBy: "\n").first, "Error: --choose V: --choose picks a fitted formula law's inputs, and chinchilla-epoch is not one.")
  }

  /// Unigram-normalised (negative) losses with vocabulary and width columns under other names:
  /// `fit --law vocab` fits on the linear scale and prints it; its fit file records the compute
  /// rule, which `plan` uses for the cost of a run.
  func testVocabFitOfNegativeLossesAndItsComputeRule() throws {
    let dir = try temporaryDirectory(self)
    var rows = ["params,tokens,vocab,width,loss"]
    let law = NamedFormula.vocab.law()
    let p = try XCTUnwrap(NamedFormula.vocab.publishedValues)
    var k = 0
    for (n, w) in [(3e7, 512.0), (1e8, 768.0), (3e8, 1024.0), (1e9, 2048.0)] {
      for v in [4096.0, 16384, 65536, 262144] {
        for d in [2e9, 8e9, 3e10] {
          k += 1
          let wiggle = 0.004 * sin(Double(k) * 2.3)  // deterministic, zero-mean-ish noise
          rows.append("\(n),\(d),\(Int(v)),\(Int(w)),\(law.predict(p, inputs: ["N": n, "D": d, "V": v, "W": w]) + wiggle)")
        }
      }
    }
    try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/v.csv", atomically: true, encoding: .utf8)
    let args = ["fit", dir + "/v.csv", "--law", "vocab", "--vocab-column", "vocab", "--width-column", "width"]
    let r = try CLI.run(args)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("    converged    = yes"), r.stdout)
    XCTAssertTrue(r.stdout.contains("L_pred - L_obs"), r.stdout)
    XCTAssertTrue(r.stdout.contains("    points       = 48 (of 48 rows read)"), r.stdout)
    let fit = dir + "/v.json"
    XCTAssertEqual(try CLI.run(args + ["--format", "json", "--output", fit]).status, 0)
    XCTAssertTrue(try String(contentsOfFile: fit, encoding: .utf8).contains("\"compute\": \"6*(N + V*W)*D\""))
    let a = try json(["plan", "--law", fit, "--params", "1e8", "--tokens", "1e10", "--at", "V=32000", "--at", "W=768"])
    XCTAssertEqual(a["flops"] as! Double, 6 * (1e8 + 32000 * 768) * 1e10, accuracy: 1e6)
    let missing = try CLI.run(["fit", dir + "/v.csv", "--law", "vocab"])
    XCTAssertEqual(missing.status, 1)
    XCTAssertTrue(missing.stderr.contains("vocab_size"), missing.stderr)
  }

  func testComputeRuleFlag() throws {
    let data = datasetsFolder() + "/olmo-ladder/olmo_ladder_1b.csv"
    let base = ["fit", data, "--formula", FormulaCommandTests.chinchilla]
    let cases: [([String], String)] = [
      (["--compute-rule", "6*N*C"], "Error: --compute-rule: the compute rule 6*N*C names C: it gives C from N, D and the law's other inputs."),
      (["--compute-rule", "6*N*V"], "Error: --compute-rule: the compute rule 6*N*V does not name D: it gives the FLOPs of training N parameters on D tokens."),
      (["--compute-rule", "6*(N + V*W)*D"], "Error: --compute-rule: the compute rule 6*(N + V*W)*D names V, which is not an input of the law (its inputs: N, D); a rule reads N, D and the law's inputs only."),
    ]
    for (args, message) in cases {
      let r = try CLI.run(base + args)
      XCTAssertEqual(r.status, 2, args.joined(separator: " "))
      XCTAssertEqual(r.stderr.components(separatedBy: "\n").first, message, args.joined(separator: " "))
    }
    let caret = try CLI.run(base + ["--compute-rule", "6*(N*D"])
    XCTAssertEqual(caret.status, 2)
    XCTAssertTrue(caret.stderr.hasPrefix("Error: --compute-rule: '(' is never closed at column 3:\n  6*(N*D\n    ^\n"), caret.stderr)
    let alone = try CLI.run(["fit", data, "--compute-rule", "8*N*D"])
    XCTAssertEqual(alone.status, 2)
    XCTAssertEqual(
      alone.stderr.components(separatedBy: "\n").first,
      "Error: --compute-rule does not apply without --formula (they describe a formula law's inputs and parameters).")
    // A rule that counts 8ND: the fit file keeps it, and plan costs a run with it and splits a
    // budget along it (D = C/(8N) at the optimum).
    let dir = try temporaryDirectory(self)
    let fit = dir + "/f.json"
    XCTAssertEqual(try CLI.run(base + ["--compute-rule", "8*N*D", "--format", "json", "--output", fit]).status, 0)
    let run = try json(["plan", "--law", fit, "--params", "1e9", "--tokens", "2e10"])
    XCTAssertEqual(run["flops"] as! Double, 1.6e20, accuracy: 1e6)
    let budget = try json(["plan", "--law", fit, "--flops", "1e22"])
    XCTAssertEqual((budget["params"] as! Double) * (budget["tokens"] as! Double) * 8, 1e22, accuracy: 1e-9 * 1e22)
  }

  /// An MoE fit with bootstrap resamples plans with intervals at a given expert count, and a
  /// plan that chooses E says when the answer is at the end of the range it was given.
  func testMoEFitPlansWithIntervals() throws {
    let dir = try temporaryDirectory(self)
    let law = NamedFormula.moe.law()
    let truth: [String: Double] = ["a": 400, "alpha": 0.34, "b": 410, "beta": 0.28, "c": 1.7, "delta": 0.2, "gamma": 0.02, "omega": 0.1, "zeta": 0.01]
    let p = law.parameterNames.map { truth[$0]! }
    var rows = ["params,tokens,experts,loss"]
    var k = 0
    for n in [3e7, 1e8, 3e8, 1e9] {
      for e in [1.0, 2, 4, 8, 16, 32] {
        for d in [2e9, 6e9, 2e10, 6e10] {
          k += 1
          rows.append("\(n),\(d),\(Int(e)),\(law.predict(p, inputs: ["N": n, "D": d, "E": e]) * exp(0.005 * sin(Double(k) * 2.3)))")
        }
      }
    }
    try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/moe.csv", atomically: true, encoding: .utf8)
    let fit = dir + "/moe.json"
    let r = try CLI.run(["fit", dir + "/moe.csv", "--law", "moe", "--bootstrap", "20", "--format", "json", "--output", fit])
    XCTAssertEqual(r.status, 0, r.stderr)
    let a = try json(["plan", "--law", fit, "--flops", "1e21", "--at", "E=8"])
    let intervals = try XCTUnwrap(a["intervals"] as? [String: [Double]])
    for key in ["params", "tokens", "loss"] {
      let v = a[key] as! Double, i = try XCTUnwrap(intervals[key], key)
      XCTAssertTrue(i[0] <= v && v <= i[1] && i[0] < i[1], "\(key) \(v) outside \(i)")
    }
    let chosen = try json(["plan", "--law", fit, "--flops", "1e21", "--choose", "E=1:64"])
    XCTAssertEqual((chosen["inputs"] as! [String: Double])["E"]!, 64, accuracy: 1e-6)
    XCTAssertNotNil((chosen["input_intervals"] as? [String: [Double]])?["E"])
    let notes = chosen["notes"] as! [String]
    XCTAssertTrue(notes.contains { $0.hasPrefix("WARNING: the chosen E = 64 is at an end of its range (1 to 64)") }, "\(notes)")
  }
}
