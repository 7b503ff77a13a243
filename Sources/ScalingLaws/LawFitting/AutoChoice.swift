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
}
