public struct ApproachOptions: Sendable {
  public var approach: Approach
  /// IsoFLOP binning: points within this relative distance of a bin's first budget share it.
  public var isoflopTolerance = 0.15
  public var allowEdgeMinima = false
  /// Approach 2's vertex per budget.
  public var vertex: VertexEstimator = .shape
  /// Log-spaced budgets for the envelope.
  public var envelopeBudgets = 40
  public var bootstrap: Int = 0
  public var seed: UInt64 = 42
  public var confidence = 0.95

  public init(approach: Approach) {
    self.approach = approach
  }
}
