import Fitting
import Foundation
import LinearAlgebra

/// Runs Approach 1 or 2 on a dataset: the optimum of each budget (envelope or IsoFLOP parabola,
/// in their own files), the exponents a and b by log-space least squares, and the bootstrap.
public struct ApproachFitter: Sendable {
  public var options: ApproachOptions

  public init(options: ApproachOptions) {
    self.options = options
  }

  public func run(_ d: Dataset) throws -> ApproachResult {
    let budgets: [BudgetOptimum]
    var warnings: [String] = []
    var notes: [String] = []
    switch options.approach {
    case .parametric:
      throw FitError("use LawFitter for the parametric approach")
    case .envelope:
      budgets = try envelope(d)
      notes.append("Approach 1 (envelope): the lowest loss any run reaches at each of \(budgets.count) log-spaced budgets, each curve interpolated linearly in (log C, log L).")
      let edge = budgets.filter { !$0.vertexInRange }.count
      if edge > 0 {
        warnings.append("\(edge) of \(budgets.count) budgets are won by the smallest or largest model (the optimum may lie beyond the sampled sizes)" + (options.allowEdgeMinima ? "; kept (\(OptionName.allowEdgeMinima))" : "; excluded (use \(OptionName.allowEdgeMinima) to keep)"))
      }
      notes.append("Intermediate checkpoints of a cosine schedule are not compute-optimal for their budget; Hoffmann et al. trained four schedule lengths per size for this reason.")
    case .isoflop:
      let (b, w) = try isoflop(d)
      budgets = b
      warnings += w
      if options.vertex == .shape {
        notes.append("Approach 2 (IsoFLOP): at each budget the loss in x = ln N is c0 + c1*exp(-alpha (x - mean)) + c2*exp(beta (x - mean)), the form of E + A/N^alpha + B/D^beta at fixed C, with alpha and beta shared by every budget; its minimum is the budget's optimum (exact for that form at any grid width).")
      } else {
        notes.append("Approach 2 (IsoFLOP): a parabola of loss in ln N per budget; its vertex is the budget's optimum.")
        notes.append("Known bias: the vertex depends on the width and centring of the sampled N grid, and on alpha != beta, even without noise (Open-Athena); --vertex shape fits one curve shape that has no such bias.")
      }
    }
    let used = budgets.filter { $0.used }
    guard used.count >= 2 else {
      throw FitError("\(d.file): \(used.count) usable budget\(used.count == 1 ? "" : "s"); the exponents need at least 2")
    }
    let (a, kN) = try powerLaw(used.map { $0.flops }, used.map { $0.params })
    let (b, kD) = try powerLaw(used.map { $0.flops }, used.map { $0.tokens })
    if Set(used.map { $0.params }).count < 2 {
      warnings.append("every budget picked the same model size: a and b are not identifiable from these sizes")
    }
    var result = ApproachResult(
      approach: options.approach, file: d.file, group: d.group, budgets: budgets, a: a, b: b, kN: kN, kD: kD,
      warnings: warnings, notes: notes, dataset: d)
    result.vertex = options.vertex
    result.lossLaw = OptimalLossLaw.fit(flops: used.map { $0.flops }, loss: used.map { $0.loss })
    if result.lossLaw == nil {
      result.notes.append("no optimal-loss law L*(C) = E + k*C^-gamma: it needs 3 or more used budgets (\(used.count) here)")
    }
    if options.bootstrap > 0 { try bootstrap(d, into: &result) }
    return result
  }

  /// log y = log k + e log x by linear least squares (LAPACK dgelsd).
  func powerLaw(_ x: [Double], _ y: [Double]) throws -> (exponent: Double, scale: Double) {
    let A = Matrix(rowArrays: x.map { [1, log($0)] })
    let s = try A.leastSquares(y.map { log($0) })
    return (s.solution[1], exp(s.solution[0]))
  }
}
