import Foundation

/// How a law's inputs cost compute: training FLOPs C as a formula of N, D and the law's other
/// inputs. `6*N*D` by default (Kaplan et al. 2020 §2.1, N the parameters a token passes through);
/// `6*N*D` with N the active parameters for a mixture-of-experts law; `6*(N + V*W)*D` for the
/// vocabulary law (Tao et al. 2024: vocabulary parameters V·W cost compute like the others). The
/// planner holds C fixed along this rule when it splits a budget, and solves it for D.
public struct ComputeRule: Sendable, Equatable {
  /// The rule every law has unless it says otherwise.
  public static let standardText = "6*N*D"
  public static let standard = try! ComputeRule(standardText)

  public let text: String
  /// The names the rule reads (sorted), among them N and D.
  public let inputNames: [String]
  let tape: FormulaTape
  /// Whether C is proportional to D at fixed other inputs (then D = C / (C at D = 1)).
  let linearInTokens: Bool

  public static func == (a: ComputeRule, b: ComputeRule) -> Bool { a.text == b.text }

  /// Parses `text`; throws ``FormulaError`` for a rule that does not parse, does not name N and
  /// D, or names S or C (the rule defines C).
  public init(_ text: String) throws {
    let node = try FormulaParser.parse(text)
    let names = node.names.sorted()
    for bad in ["C", "S"] where names.contains(bad) {
      throw FormulaError("the compute rule \(text) names \(bad): it gives C from N, D and the law's other inputs")
    }
    for need in ["N", "D"] where !names.contains(need) {
      throw FormulaError("the compute rule \(text) does not name \(need): it gives the FLOPs of training N parameters on D tokens")
    }
    self.text = text
    inputNames = names
    var variables: [String: Int] = [:]
    for (k, n) in names.enumerated() { variables[n] = k }
    let program = FormulaTape(node, variables: variables, firstInput: 0)
    tape = program
    // Proportional in D at two probe points of the other inputs.
    var linear = true
    for probe in [1.0e9, 3.7e7] {
      let at: (Double) -> Double = { d in
        program.value(names.map { $0 == "D" ? d : probe })
      }
      let one = at(1), two = at(2), zero = at(0)
      if !(one > 0) || abs(two - 2 * one) > 1e-12 * abs(two) || abs(zero) > 1e-12 * abs(one) { linear = false }
    }
    linearInTokens = linear
  }

  /// Checks the rule against a law's inputs: every name it reads must be one of them (or N, D).
  public func check(against lawInputs: [String]) throws {
    for n in inputNames where n != "N" && n != "D" && !lawInputs.contains(n) {
      throw FormulaError(
        "the compute rule \(text) names \(n), which is not an input of the law (its inputs: \(lawInputs.joined(separator: ", "))); a rule reads N, D and the law's inputs only")
    }
  }

  func vector(_ values: [String: Double]) -> [Double] { inputNames.map { values[$0] ?? .nan } }

  /// C at a point (every name the rule reads, by name).
  public func flops(_ values: [String: Double]) -> Double { tape.value(vector(values)) }

  /// C with ∂C/∂N and ∂C/∂D at a point.
  public func flopsAndSlopes(_ values: [String: Double]) -> (flops: Double, dN: Double, dD: Double) {
    var g: [Double] = []
    let c = tape.evaluate(vector(values), gradient: &g)
    let iN = inputNames.firstIndex(of: "N")!, iD = inputNames.firstIndex(of: "D")!
    return (c, g[iN], g[iD])
  }

  /// The tokens D that cost C at the other values (D itself is ignored): C / C(D = 1) for a rule
  /// proportional in D, otherwise bisection of ln D on [1e-3, 1e40] (the rule increasing in D);
  /// nil when no D there costs C.
  public func tokens(flops C: Double, _ values: [String: Double]) -> Double? {
    guard C > 0, C.isFinite else { return nil }
    var x = vector(values)
    let iD = inputNames.firstIndex(of: "D")!
    if linearInTokens {
      x[iD] = 1
      let unit = tape.value(x)
      guard unit > 0, unit.isFinite else { return nil }
      return C / unit
    }
    let f: (Double) -> Double = { u in
      x[iD] = exp(u)
      return self.tape.value(x) - C
    }
    var lo = log(1e-3), hi = log(1e40)
    guard f(lo) < 0, f(hi) > 0 else { return nil }
    for _ in 0..<200 {
      let mid = 0.5 * (lo + hi)
      if f(mid) < 0 { lo = mid } else { hi = mid }
      if hi - lo < 1e-15 * max(1, abs(mid)) { break }
    }
    return exp(0.5 * (lo + hi))
  }

  /// The rule as the loader applies it to a file without a flops (or tokens) column; nil for 6ND,
  /// the loader's own derivation.
  public var flopsRule: FlopsRule? {
    guard self != .standard else { return nil }
    let rule = self
    return FlopsRule(text: text, flops: { rule.flops($0) }, tokens: { rule.tokens(flops: $0, $1) })
  }
}
