/// What `fit --auto` compared and chose (see `AutoFit`), kept with the fit it chose.
public struct AutoChoice: Sendable {
  public struct Row: Sendable {
    public var name: String
    /// Mean |relative error| of the backtest (|error| for a metric law); nil: the backtest failed.
    public var backtestError: Double?
    public var backtestPoints: Int
  }

  /// The backtest's design, e.g. "the largest size left out".
  public var design: String
  public var rows: [Row]
  public var chosen: String
  public var reason: String

  /// A backtest error as printed: a percentage for a loss law, the metric's own units for a
  /// metric law ("failed" for none).
  public static func text(_ error: Double?, metric: Bool) -> String {
    error.map { metric ? String(format: "%.4f", $0) : String(format: "%.2f%%", 100 * $0) } ?? "failed"
  }
}
