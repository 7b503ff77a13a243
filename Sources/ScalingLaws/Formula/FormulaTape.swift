import Foundation

/// A formula compiled to a straight-line program over its variables (parameters first, then
/// inputs), with exact reverse-mode derivatives: no finite differences anywhere.
///
/// Compilation folds constant subexpressions and shares repeated ones (the same subtree is one
/// slot). Slots that depend on parameters only are evaluated once per parameter vector
/// (``prepare(_:into:)``), not once per point; per point only the slots that read an input run.
/// Hand-written rather than a dependency: no Swift package on the offline list differentiates
/// expressions parsed at run time, and the program is ~150 lines.
public struct FormulaTape: Sendable {
  enum Code: UInt8, Sendable {
    case constant, variable, negate, add, subtract, multiply, divide, power, exp, log, sqrt, min, max
  }

  var codes: [Code] = []
  var left: [Int32] = []
  var right: [Int32] = []
  /// The constant's value, or the variable's index as a Double.
  var operand: [Double] = []
  /// Whether the slot depends on an input (runs per point).
  var perPoint: [Bool] = []
  /// The slot of the formula's value.
  public private(set) var root: Int = 0
  public let variableCount: Int
  /// Variables from this index on are inputs (per point); those before are parameters.
  public let firstInput: Int
  /// Slots in evaluation order, split by kind.
  private(set) var parameterSlots: [Int32] = []
  private(set) var pointSlots: [Int32] = []
  /// Every slot in evaluation order (emission order is topological).
  private(set) var allSlots: [Int32] = []

  public var slotCount: Int { codes.count }

  /// Compiles `node`; `variables` gives each name's index (parameters before inputs).
  public init(_ node: FormulaNode, variables: [String: Int], firstInput: Int) {
    variableCount = variables.count
    self.firstInput = firstInput
    var memo: [Key: Int32] = [:]
    root = Int(compile(node, variables, &memo))
    for s in 0..<codes.count {
      if perPoint[s] { pointSlots.append(Int32(s)) } else { parameterSlots.append(Int32(s)) }
    }
    allSlots = (0..<codes.count).map { Int32($0) }
  }

  private struct Key: Hashable {
    var code: UInt8
    var left: Int32
    var right: Int32
    var operand: UInt64
  }

  private mutating func emit(_ code: Code, _ l: Int32 = -1, _ r: Int32 = -1, _ operand: Double = 0, _ memo: inout [Key: Int32]) -> Int32 {
    // Fold a constant operation.
    let lc = l >= 0 && codes[Int(l)] == .constant, rc = r >= 0 && codes[Int(r)] == .constant
    if code != .constant && code != .variable && lc && (r < 0 || rc) {
      let a = self.operand[Int(l)], b = r >= 0 ? self.operand[Int(r)] : 0
      let v = Self.apply(code, a, b)
      if v.isFinite { return emit(.constant, -1, -1, v, &memo) }
    }
    let key = Key(code: code.rawValue, left: l, right: r, operand: operand.bitPattern)
    if let s = memo[key] { return s }
    let s = Int32(codes.count)
    codes.append(code)
    left.append(l)
    right.append(r)
    self.operand.append(operand)
    let dependsOnInput: Bool
    switch code {
    case .constant: dependsOnInput = false
    case .variable: dependsOnInput = Int(operand) >= firstInput
    default: dependsOnInput = (l >= 0 && perPoint[Int(l)]) || (r >= 0 && perPoint[Int(r)])
    }
    perPoint.append(dependsOnInput)
    memo[key] = s
    return s
  }

  private mutating func compile(_ n: FormulaNode, _ vars: [String: Int], _ memo: inout [Key: Int32]) -> Int32 {
    switch n {
    case .number(let v): return emit(.constant, -1, -1, v, &memo)
    case .name(let s): return emit(.variable, -1, -1, Double(vars[s]!), &memo)
    case .negate(let a): return emit(.negate, compile(a, vars, &memo), -1, 0, &memo)
    case .binary(let op, let a, let b):
      let l = compile(a, vars, &memo), r = compile(b, vars, &memo)
      let code: Code
      switch op {
      case .add: code = .add
      case .subtract: code = .subtract
      case .multiply: code = .multiply
      case .divide: code = .divide
      case .power: code = .power
      }
      return emit(code, l, r, 0, &memo)
    case .call(let f, let args):
      let l = compile(args[0], vars, &memo)
      let r = args.count > 1 ? compile(args[1], vars, &memo) : -1
      let code: Code
      switch f {
      case .exp: code = .exp
      case .log: code = .log
      case .sqrt: code = .sqrt
      case .min: code = .min
      case .max: code = .max
      }
      return emit(code, l, r, 0, &memo)
    }
  }

  @inline(__always)
  static func apply(_ code: Code, _ a: Double, _ b: Double) -> Double {
    switch code {
    case .constant, .variable: return .nan
    case .negate: return -a
    case .add: return a + b
    case .subtract: return a - b
    case .multiply: return a * b
    case .divide: return a / b
    case .power: return Foundation.pow(a, b)
    case .exp: return Foundation.exp(a)
    case .log: return Foundation.log(a)
    case .sqrt: return a.squareRoot()
    case .min: return Swift.min(a, b)
    case .max: return Swift.max(a, b)
    }
  }

  /// Evaluates the slots in `slots` (the parameter-only ones, or the per-point ones) with the
  /// variables `x`, into `v`.
  @inline(__always)
  func run(_ slots: [Int32], _ x: UnsafePointer<Double>, _ v: UnsafeMutablePointer<Double>) {
    codes.withUnsafeBufferPointer { code in
      left.withUnsafeBufferPointer { l in
        right.withUnsafeBufferPointer { r in
          operand.withUnsafeBufferPointer { o in
            for s32 in slots {
              let s = Int(s32)
              switch code[s] {
              case .constant: v[s] = o[s]
              case .variable: v[s] = x[Int(o[s])]
              default:
                let a = v[Int(l[s])]
                let b = r[s] >= 0 ? v[Int(r[s])] : 0
                v[s] = Self.apply(code[s], a, b)
              }
            }
          }
        }
      }
    }
  }

  /// Back-propagates the adjoints `w` (seeded by the caller) through `slots`, in reverse,
  /// adding ∂/∂variable into `gx`.
  @inline(__always)
  func backward(_ slots: [Int32], _ v: UnsafePointer<Double>, _ w: UnsafeMutablePointer<Double>, _ gx: UnsafeMutablePointer<Double>) {
    codes.withUnsafeBufferPointer { code in
      left.withUnsafeBufferPointer { l in
        right.withUnsafeBufferPointer { r in
          operand.withUnsafeBufferPointer { o in
            for s32 in slots.reversed() {
              let s = Int(s32)
              let ws = w[s]
              if ws == 0 { continue }
              let li = Int(l[s]), ri = Int(r[s])
              switch code[s] {
              case .constant: break
              case .variable: gx[Int(o[s])] += ws
              case .negate: w[li] -= ws
              case .add: w[li] += ws; w[ri] += ws
              case .subtract: w[li] += ws; w[ri] -= ws
              case .multiply: w[li] += ws * v[ri]; w[ri] += ws * v[li]
              case .divide:
                let b = v[ri]
                w[li] += ws / b
                w[ri] -= ws * v[s] / b
              case .power:
                let a = v[li], b = v[ri], y = v[s]
                // d/da a^b = b a^(b−1); d/db a^b = a^b ln a (0 where a^b is 0, e.g. 0^b).
                w[li] += ws * (a != 0 ? b * y / a : b * Foundation.pow(a, b - 1))
                if code[ri] != .constant { w[ri] += ws * (y == 0 ? 0 : y * Foundation.log(a)) }
              case .exp: w[li] += ws * v[s]
              case .log: w[li] += ws / v[li]
              case .sqrt: w[li] += ws * 0.5 / v[s]
              case .min: if v[li] <= v[ri] { w[li] += ws } else { w[ri] += ws }
              case .max: if v[li] >= v[ri] { w[li] += ws } else { w[ri] += ws }
              }
            }
          }
        }
      }
    }
  }

  /// The value at one assignment of every variable, with ∂value/∂variable in `gradient`
  /// (resized to `variableCount`).
  public func evaluate(_ x: [Double], gradient: inout [Double]) -> Double {
    var v = [Double](repeating: 0, count: slotCount)
    var w = [Double](repeating: 0, count: slotCount)
    if gradient.count != variableCount { gradient = [Double](repeating: 0, count: variableCount) }
    for j in 0..<variableCount { gradient[j] = 0 }
    let sorted = allSlots
    return x.withUnsafeBufferPointer { xp in
      v.withUnsafeMutableBufferPointer { vp in
        w.withUnsafeMutableBufferPointer { wp in
          gradient.withUnsafeMutableBufferPointer { gp in
            run(sorted, xp.baseAddress!, vp.baseAddress!)
            wp[root] = 1
            backward(sorted, vp.baseAddress!, wp.baseAddress!, gp.baseAddress!)
            return vp[root]
          }
        }
      }
    }
  }

  /// The value at one assignment of every variable.
  public func value(_ x: [Double]) -> Double {
    var v = [Double](repeating: 0, count: slotCount)
    let sorted = allSlots
    return x.withUnsafeBufferPointer { xp in
      v.withUnsafeMutableBufferPointer { vp in
        run(sorted, xp.baseAddress!, vp.baseAddress!)
        return vp[root]
      }
    }
  }
}
