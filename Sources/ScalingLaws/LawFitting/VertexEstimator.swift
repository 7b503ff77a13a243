/// How Approach 2 finds each budget's optimum.
public enum VertexEstimator: String, Sendable, CaseIterable {
  /// One curve shape c0 + c1·e^(−α(x−x̄)) + c2·e^(β(x−x̄)) in x = ln N, α and β shared by every
  /// budget (`SharedShapeVertices`): unbiased on wide grids. The default.
  case shape
  /// A parabola in ln N per budget over every sampled size (the classic Approach 2; biased when
  /// the grid spans several nats).
  case parabola
}
