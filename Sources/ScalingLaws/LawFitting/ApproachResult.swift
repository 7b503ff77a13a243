import Foundation

/// The result of Approach 1 or 2 on one dataset.
public struct ApproachResult: Sendable {
  public var approach: Approach
  public var file: String
  public var group: String?
  public var budgets: [BudgetOptimum]
  /// N_opt = kN · C^a, D_opt = kD · C^b.
  public var a: Double
  public var b: Double
  public var kN: Double
  public var kD: Double
  /// The optimal loss against compute, L*(C) = E + k·C^−γ, over the used budgets (nil with
  /// fewer than 3).
  public var lossLaw: OptimalLossLaw? = nil
  /// Approach 2's vertex estimator.
  public var vertex: VertexEstimator = .shape
  public var intervals: [String: (Double, Double)] = [:]
  /// Each bootstrap resample's frontier (a, kN, b, kD and its loss law).
  public var samples: [AllocationFrontier] = []
  public var bootstrapResamples = 0
  public var bootstrapFailed = 0
  public var seed: UInt64 = 0
  public var confidence = 0.95
  public var warnings: [String] = []
  public var notes: [String] = []
  public var dataset: Dataset

  /// The allocation the fitted exponents imply at the largest budget.
  public var largestBudget: Double { budgets.filter { $0.used }.map { $0.flops }.max() ?? .nan }
  public var paramsAtLargest: Double { kN * pow(largestBudget, a) }
  public var tokensAtLargest: Double { kD * pow(largestBudget, b) }
}
