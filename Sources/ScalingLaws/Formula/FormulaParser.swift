import Foundation

/// Reads a formula by recursive descent. The grammar (README, "Formula laws"):
///
///     formula  := [name "="] sum (";" name "=" sum)*
///     (after the first ";": definitions, substituted where their name occurs; they may use
///     each other, not themselves)
///     sum      := product (("+" | "-") product)*
///     product  := unary (("*" | "/") unary)*
///     unary    := ("-" | "+") unary | power
///     power    := atom ("^" unary)?            right-associative: a^b^c = a^(b^c)
///     atom     := number | name | function "(" sum ("," sum)* ")" | "(" sum ")"
///     function := exp | log | sqrt | min | max
///     name     := letter (letter | digit | "_")*
///     number   := digits ["." digits] [("e" | "E") ["+" | "-"] digits]
///
/// so that −x^2 = −(x^2) and 2^−x = 2^(−x). `**` is read as `^`, and the typographic
/// − × ÷ as - * /. Errors name the 1-based column of the character where they were found.
public struct FormulaParser {
  private let chars: [Character]
  private var i = 0

  public static func parse(_ text: String) throws -> FormulaNode {
    let all = Array(text)
    guard all.count <= 20_000 else { throw FormulaError("the formula is longer than 20,000 characters", column: 20_001) }
    if let k = all.firstIndex(where: { $0.isNewline || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
      throw FormulaError("a control character or line break (a formula is one line of text)", column: k + 1)
    }
    var segments: [(Int, String)] = []
    var start = 0
    for (k, c) in all.enumerated() where c == ";" {
      segments.append((start, String(all[start..<k])))
      start = k + 1
    }
    segments.append((start, String(all[start...])))
    var main = FormulaParser(segments[0].1, offset: segments[0].0)
    var root = try main.formula()
    var definitions: [(name: String, node: FormulaNode, column: Int)] = []
    var read = main.nodes
    for (offset, segment) in segments.dropFirst() {
      var p = FormulaParser(segment, offset: offset)
      p.nodes = read
      let d = try p.definition()
      read = p.nodes
      if definitions.contains(where: { $0.name == d.name }) {
        throw FormulaError("\(d.name) is defined twice", column: d.column)
      }
      definitions.append(d)
    }
    guard !definitions.isEmpty else { return root }
    // Substitute until no defined name is left (at most one round per definition: more is a cycle).
    let defined = Dictionary(uniqueKeysWithValues: definitions.map { ($0.name, $0.node) })
    for d in definitions where d.node.names.contains(d.name) {
      throw FormulaError("the definition of \(d.name) uses \(d.name) itself", column: d.column)
    }
    var used: Set<String> = []
    for _ in 0...definitions.count {
      let names = Set(root.names).intersection(defined.keys)
      if names.isEmpty { break }
      used.formUnion(names)
      let sizes = defined.mapValues { $0.size }
      if root.size(substituting: sizes) > 50_000 {
        throw FormulaError("the definitions expand to more than 50,000 terms and operations", column: definitions[0].column)
      }
      root = root.substituting(defined)
    }
    if let d = definitions.first(where: { Set(root.names).contains($0.name) }) {
      throw FormulaError("the definitions of \(d.name) and the names it uses refer to each other in a cycle", column: d.column)
    }
    if let d = definitions.first(where: { !used.contains($0.name) }) {
      throw FormulaError("\(d.name) is defined but never used", column: d.column)
    }
    return root
  }

  init(_ text: String, offset: Int = 0) {
    chars = Array(text)
    self.offset = offset
  }

  private let offset: Int
  private var column: Int { offset + i + 1 }

  /// `name = sum` (a definition after a ";").
  mutating func definition() throws -> (name: String, node: FormulaNode, column: Int) {
    guard let c = peek() else { throw FormulaError("an empty definition after ';' (expected name = ...)", column: column) }
    guard c.isLetter || c == "_" else { throw FormulaError("expected a definition (name = ...) after ';', found '\(c)'", column: column) }
    let at = column
    let name = identifier()
    guard accept("=") else { throw FormulaError("expected '=' after \(name) in a definition", column: column) }
    guard peek() != nil else { throw FormulaError("nothing after '='", column: column) }
    let node = try sum()
    if peek() != nil {
      throw FormulaError("expected an operator (+ - * / ^) or the end of the definition, found \(describeHere())", column: column)
    }
    return (name, node, at)
  }

  private mutating func skipSpace() {
    while i < chars.count, chars[i].isWhitespace { i += 1 }
  }

  private mutating func peek() -> Character? {
    skipSpace()
    return i < chars.count ? chars[i] : nil
  }

  /// The operator at the cursor, normalised (− → -, × → *, ÷ → /, ** → ^), without consuming it.
  private mutating func peekOperator() -> (Character, Int)? {
    guard let c = peek() else { return nil }
    switch c {
    case "+", "-", "*", "/", "^", "(", ")", ",", "=":
      if c == "*", i + 1 < chars.count, chars[i + 1] == "*" { return ("^", 2) }
      return (c, 1)
    case "\u{2212}": return ("-", 1)
    case "\u{00D7}", "\u{22C5}", "\u{00B7}": return ("*", 1)
    case "\u{00F7}": return ("/", 1)
    default: return nil
    }
  }

  private mutating func accept(_ op: Character) -> Bool {
    guard let (c, width) = peekOperator(), c == op else { return false }
    i += width
    return true
  }

  private mutating func describeHere() -> String {
    guard let c = peek() else { return "the end of the formula" }
    return "'\(c)'"
  }

  mutating func formula() throws -> FormulaNode {
    guard peek() != nil else { throw FormulaError("the formula is empty", column: 1) }
    // An optional left-hand side: "L = ...".
    let save = i
    if let c = peek(), c.isLetter || c == "_" {
      let start = i
      _ = identifier()
      if accept("=") {
        if peek() == nil { throw FormulaError("nothing after '='", column: column) }
      } else {
        i = save
        _ = start
      }
    }
    let node = try sum()
    if peek() != nil {
      if let (c, _) = peekOperator(), c == ")" {
        throw FormulaError("')' without a matching '('", column: column)
      }
      throw FormulaError("expected an operator (+ - * / ^) or the end of the formula, found \(describeHere())", column: column)
    }
    return node
  }

  private mutating func sum() throws -> FormulaNode {
    var node = try product()
    while true {
      try count()
      if accept("+") { node = .binary(.add, node, try product()) }
      else if accept("-") { node = .binary(.subtract, node, try product()) }
      else { return node }
    }
  }

  private mutating func product() throws -> FormulaNode {
    var node = try unary()
    while true {
      try count()
      if let (c, _) = peekOperator(), c == "*" && !(i + 1 < chars.count && chars[i + 1] == "*") || c == "/" {
        _ = accept(c)
        node = .binary(c == "*" ? .multiply : .divide, node, try unary())
      } else {
        return node
      }
    }
  }

  /// Nodes read so far, over every segment: a formula is bounded (every walk over its tree is
  /// recursive, and no tree is deeper than the nodes read), so that no input exhausts the stack.
  static let maxNodes = 2_000
  private var nodes = 0

  private mutating func count() throws {
    nodes += 1
    if nodes > Self.maxNodes {
      throw FormulaError("the formula has more than \(Self.maxNodes) terms and operations (write a shorter one, or use definitions after ';')", column: column)
    }
  }

  private mutating func unary() throws -> FormulaNode {
    try count()
    if accept("-") { return .negate(try unary()) }
    if accept("+") { return try unary() }
    return try power()
  }

  private mutating func power() throws -> FormulaNode {
    let base = try atom()
    if accept("^") { return .binary(.power, base, try unary()) }
    return base
  }

  private mutating func atom() throws -> FormulaNode {
    guard let c = peek() else { throw FormulaError("expected a number, a name or '(' but the formula ends", column: column) }
    if c.isNumber || c == "." { return .number(try number()) }
    if c.isLetter || c == "_" {
      let start = column
      let name = identifier()
      if accept("(") {
        guard let f = FormulaNode.Function(rawValue: name) else {
          throw FormulaError(
            "unknown function '\(name)' (the functions are \(FormulaNode.Function.allCases.map(\.rawValue).joined(separator: ", ")))", column: start)
        }
        var args = [try sum()]
        while accept(",") { args.append(try sum()) }
        guard accept(")") else { throw FormulaError("expected ')' or ',' in \(name)(...), found \(describeHere())", column: column) }
        guard args.count == f.arity else {
          throw FormulaError("\(name) takes \(f.arity) argument\(f.arity == 1 ? "" : "s"), given \(args.count)", column: start)
        }
        return .call(f, args)
      }
      return .name(name)
    }
    if accept("(") {
      let open = column - 1
      let inner = try sum()
      guard accept(")") else {
        if peek() == nil { throw FormulaError("'(' is never closed", column: open) }
        throw FormulaError("expected ')' found \(describeHere())", column: column)
      }
      return inner
    }
    throw FormulaError("expected a number, a name or '(' found \(describeHere())", column: column)
  }

  private mutating func identifier() -> String {
    var s = ""
    while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" {
      s.append(chars[i])
      i += 1
    }
    return s
  }

  private mutating func number() throws -> Double {
    let start = i
    while i < chars.count, chars[i].isNumber { i += 1 }
    if i < chars.count, chars[i] == "." {
      i += 1
      while i < chars.count, chars[i].isNumber { i += 1 }
    }
    if i < chars.count, chars[i] == "e" || chars[i] == "E" {
      var j = i + 1
      if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
      if j < chars.count, chars[j].isNumber {
        i = j
        while i < chars.count, chars[i].isNumber { i += 1 }
      }
    }
    let text = String(chars[start..<i])
    guard let v = Double(text), v.isFinite else { throw FormulaError("'\(text)' is not a number", column: offset + start + 1) }
    if i < chars.count, chars[i].isLetter || chars[i] == "_" {
      throw FormulaError("a number followed by a name ('\(text)\(chars[i])'): write the product with '*'", column: offset + i + 1)
    }
    return v
  }
}
