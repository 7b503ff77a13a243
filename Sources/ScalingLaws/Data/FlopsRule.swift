/// A law's compute rule as the loader applies it when a file lacks a flops or a tokens column:
/// C from N, D and the row's law inputs, and D back from C. The rule itself is a formula
/// (``ComputeRule``, a later layer); the loader holds only these two functions and its text.
public struct FlopsRule: Sendable, Equatable {
  /// The rule as written, e.g. `6*(N + V*W)*D` (the fit file's `data.columns.flops`).
  public let text: String
  /// C at a point: N, D and the law's inputs by name.
  public let flops: @Sendable ([String: Double]) -> Double
  /// D that costs C at the point's other values (nil: none does).
  public let tokens: @Sendable (Double, [String: Double]) -> Double?

  public init(
    text: String, flops: @escaping @Sendable ([String: Double]) -> Double,
    tokens: @escaping @Sendable (Double, [String: Double]) -> Double?
  ) {
    self.text = text
    self.flops = flops
    self.tokens = tokens
  }

  public static func == (a: FlopsRule, b: FlopsRule) -> Bool { a.text == b.text }
}
