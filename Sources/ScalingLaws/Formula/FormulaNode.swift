import Foundation

/// A formula's syntax tree: numbers, names (parameters or inputs), the five operators and the
/// functions of the grammar (see ``FormulaParser``).
public indirect enum FormulaNode: Sendable, Equatable {
  case number(Double)
  case name(String)
  case negate(FormulaNode)
  case binary(BinaryOperator, FormulaNode, FormulaNode)
  case call(Function, [FormulaNode])

  public enum BinaryOperator: String, Sendable, Equatable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
  }

  /// The functions a formula may call, with their arity.
  public enum Function: String, Sendable, Equatable, CaseIterable {
    case exp, log, sqrt, min, max

    public var arity: Int { self == .min || self == .max ? 2 : 1 }
  }

  /// Every name the formula uses, in order of first use.
  public var names: [String] {
    var out: [String] = []
    var seen: Set<String> = []
    func walk(_ n: FormulaNode) {
      switch n {
      case .number: break
      case .name(let s): if seen.insert(s).inserted { out.append(s) }
      case .negate(let a): walk(a)
      case .binary(_, let a, let b): walk(a); walk(b)
      case .call(_, let args): args.forEach(walk)
      }
    }
    walk(self)
    return out
  }

  /// The node with each name in `definitions` replaced by its definition (one round).
  public func substituting(_ definitions: [String: FormulaNode]) -> FormulaNode {
    switch self {
    case .number: return self
    case .name(let s): return definitions[s] ?? self
    case .negate(let a): return .negate(a.substituting(definitions))
    case .binary(let op, let a, let b): return .binary(op, a.substituting(definitions), b.substituting(definitions))
    case .call(let f, let args): return .call(f, args.map { $0.substituting(definitions) })
    }
  }

  /// The number of nodes in the tree.
  public var size: Int {
    switch self {
    case .number, .name: return 1
    case .negate(let a): return 1 + a.size
    case .binary(_, let a, let b): return 1 + a.size + b.size
    case .call(_, let args): return 1 + args.reduce(0) { $0 + $1.size }
    }
  }

  /// The number of nodes once each name in `sizes` is replaced by a tree of that size.
  func size(substituting sizes: [String: Int]) -> Int {
    switch self {
    case .number: return 1
    case .name(let s): return sizes[s] ?? 1
    case .negate(let a): return 1 + a.size(substituting: sizes)
    case .binary(_, let a, let b): return 1 + a.size(substituting: sizes) + b.size(substituting: sizes)
    case .call(_, let args): return 1 + args.reduce(0) { $0 + $1.size(substituting: sizes) }
    }
  }

  /// How many times `name` occurs.
  public func occurrences(of name: String) -> Int {
    switch self {
    case .number: return 0
    case .name(let s): return s == name ? 1 : 0
    case .negate(let a): return a.occurrences(of: name)
    case .binary(_, let a, let b): return a.occurrences(of: name) + b.occurrences(of: name)
    case .call(_, let args): return args.reduce(0) { $0 + $1.occurrences(of: name) }
    }
  }

  /// Names that occur in an exponent (the right side of ^): the formula's exponents, searched on
  /// a log-spaced grid over [0.01, 2.5] and reported as exponents.
  public var exponentNames: Set<String> {
    var out: Set<String> = []
    func walk(_ n: FormulaNode, inExponent: Bool) {
      switch n {
      case .number: break
      case .name(let s): if inExponent { out.insert(s) }
      case .negate(let a): walk(a, inExponent: inExponent)
      case .binary(let op, let a, let b):
        walk(a, inExponent: inExponent)
        walk(b, inExponent: inExponent || op == .power)
      case .call(_, let args): args.forEach { walk($0, inExponent: inExponent) }
      }
    }
    walk(self, inExponent: false)
    return out
  }

  /// The formula as a sum of signed terms: a + b − c → [(+1, a), (+1, b), (−1, c)].
  public var terms: [(sign: Double, node: FormulaNode)] {
    switch self {
    case .binary(.add, let a, let b): return a.terms + b.terms
    case .binary(.subtract, let a, let b): return a.terms + b.terms.map { (-$0.sign, $0.node) }
    case .negate(let a): return a.terms.map { (-$0.sign, $0.node) }
    default: return [(1, self)]
    }
  }

  /// A product as its factors: a·b/c → [(a, +1), (b, +1), (c, −1)] (the sign of the power).
  public var factors: [(node: FormulaNode, power: Int)] {
    switch self {
    case .binary(.multiply, let a, let b): return a.factors + b.factors
    case .binary(.divide, let a, let b): return a.factors + b.factors.map { ($0.node, -$0.power) }
    default: return [(self, 1)]
    }
  }

  /// The node rebuilt from factors (1 for none).
  static func product(_ factors: [(node: FormulaNode, power: Int)]) -> FormulaNode {
    var out: FormulaNode? = nil
    for (n, p) in factors {
      if let o = out {
        out = .binary(p > 0 ? .multiply : .divide, o, n)
      } else {
        out = p > 0 ? n : .binary(.divide, .number(1), n)
      }
    }
    return out ?? .number(1)
  }

  /// The formula written back as text that parses to the same tree (fit files and outputs).
  public var text: String { render(0) }

  private func render(_ context: Int) -> String {
    // Precedences: 1 sum, 2 product, 3 unary minus, 4 power, 5 atom.
    func wrap(_ s: String, _ p: Int) -> String { p < context ? "(" + s + ")" : s }
    switch self {
    case .number(let v):
      let s = v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
      return v < 0 ? wrap(s, 3) : s
    case .name(let s): return s
    case .negate(let a): return wrap("-" + a.render(3), 3)
    case .binary(let op, let a, let b):
      switch op {
      case .add, .subtract: return wrap(a.render(1) + " " + op.rawValue + " " + b.render(2), 1)
      case .multiply, .divide: return wrap(a.render(2) + op.rawValue + b.render(3), 2)
      case .power: return wrap(a.render(5) + "^" + b.render(3), 4)
      }
    case .call(let f, let args): return f.rawValue + "(" + args.map { $0.render(0) }.joined(separator: ", ") + ")"
    }
  }
}
