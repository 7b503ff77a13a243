/// A planner answer for a mixture of experts (``ExpertTemplate``): the shape proposed for the
/// law's N, its total and active parameters, and which of them the law's N stands for.
public struct ExpertAllocation: Sendable {
  public var template: ExpertTemplate
  public var shape: TransformerShape
  /// Parameters held (every expert): the shape's own count.
  public var paramsTotal: Double
  /// Parameters per token: the law's N when it stands for the active count, else N × the shape's
  /// active fraction.
  public var paramsActive: Double
}
