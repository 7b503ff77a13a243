import Foundation
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
      missing.stderr, "error: \(fit): the law's input U (fitted from column 'unique_tokens') has no value: give --at U=VALUE (or --unique-tokens)\n")
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
  }
}
