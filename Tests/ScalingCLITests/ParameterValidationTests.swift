import Foundation
import XCTest

/// Issue 22, item 2: a law's parameters are validated where fits are read and where they are
/// produced; no printed number is inf or NaN.
final class ParameterValidationTests: XCTestCase {
  /// A good fit file with one parameter replaced.
  func edited(_ key: String, _ value: Double, in dir: String) throws -> String {
    let ok = dir + "/ok.json"
    if !FileManager.default.fileExists(atPath: ok) {
      XCTAssertEqual(try CLI.run(["fit", fixture("small.csv"), "--format", "json", "--output", ok]).status, 0)
    }
    var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: ok))) as! [String: Any]
    var fits = doc["fits"] as! [[String: Any]]
    var p = fits[0]["parameters"] as! [String: Any]
    p[key] = value
    fits[0]["parameters"] = p
    doc["fits"] = fits
    let path = dir + "/\(key)\(value).json"
    try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: path))
    return path
  }

  func testFitFilesOutsideTheDomainAreRefused() throws {
    let dir = try temporaryDirectory(self)
    let cases: [(String, Double, String)] = [
      ("alpha", -0.5, "alpha = -0.5 is not positive (an exponent of the chinchilla law)"),
      ("alpha", 0, "alpha = 0 is not positive (an exponent of the chinchilla law)"),
      ("A", 1e308, "A = 1e+308 is outside (0, 1e50] (a scale constant; fitted ones sit between 1 and 1e16)"),
      ("E", -1, "E = -1 is negative (an irreducible loss)"),
    ]
    for (key, value, sentence) in cases {
      let file = try edited(key, value, in: dir)
      let out = dir + "/out.txt"
      let plan = try CLI.run(["plan", "--law", file, "--flops", "1e23", "--output", out])
      XCTAssertEqual(plan.status, 2, "\(key)=\(value)")
      XCTAssertEqual(plan.stderr, "error: \(file): the chinchilla fit's \(sentence); refusing to plan with it\n")
      let predict = try CLI.run(["predict", "--fit", file, "--params", "1B", "--tokens", "1T", "--output", out])
      XCTAssertEqual(predict.status, 2, "\(key)=\(value)")
      XCTAssertEqual(predict.stderr, "error: \(file): the chinchilla fit's \(sentence); refusing to predict with it\n")
      XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
  }

  func testAFitEndingOutsideTheDomainIsNotConverged() throws {
    // N and D near 1e-300: the optimum of the stated objective puts alpha below 0.
    let dir = try temporaryDirectory(self)
    var rows = ["N,D,loss"]
    var x: UInt64 = 1
    for n in [1e-300, 2e-300, 4e-300, 8e-300] {
      for d in [1e-299, 3e-299, 1e-298] {
        x = x &* 6_364_136_223_846_793_005 &+ 1
        rows.append("\(n),\(d),\(2 + Double(x >> 11) / Double(1 << 53))")
      }
    }
    try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/tiny.csv", atomically: true, encoding: .utf8)
    let r = try CLI.run(["fit", dir + "/tiny.csv", "--format", "json", "--output", dir + "/tiny.json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let fit = ((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/tiny.json"))) as! [String: Any])["fits"] as! [[String: Any]])[0]
    let alpha = (fit["parameters"] as! [String: Any])["alpha"] as? Double ?? 1
    if alpha <= 0 {
      XCTAssertEqual(fit["converged"] as? Bool, false)
      XCTAssertTrue((fit["warnings"] as! [String])[0].hasPrefix("NOT CONVERGED: the optimum lies outside the law's domain: alpha = "))
      let plan = try CLI.run(["plan", "--law", dir + "/tiny.json", "--flops", "1e20"])
      XCTAssertEqual(plan.status, 2)
      XCTAssertEqual(plan.stderr, "error: \(dir)/tiny.json: the chinchilla fit did not converge; refusing to plan with it\n")
    } else {
      XCTAssertGreaterThan(alpha, 0)
    }
  }

  func testSixNDOverflowIsAnErrorAtItsRow() throws {
    let dir = try temporaryDirectory(self)
    try "N,D,loss\n1e8,1e9,3\n1e300,1e300,2\n".write(toFile: dir + "/big.csv", atomically: true, encoding: .utf8)
    let r = try CLI.run(["fit", dir + "/big.csv", "--law", "kaplan-c"])
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(r.stderr, "error: \(dir)/big.csv:3: C = 6ND overflows a double (N = 1e+300, D = 1e+300)\n")
  }
}
