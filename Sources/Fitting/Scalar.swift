/// One-dimensional root finding and minimisation, used by the planner where no closed form
/// exists. Both are safeguarded: they never leave the bracket they are given.
public enum Scalar {
  public struct NoBracket: Error, CustomStringConvertible {
    public let description: String
  }

  /// A root of `f` in [lo, hi] where f(lo) and f(hi) have opposite signs: Newton steps with a
  /// numerical derivative, falling back to bisection whenever a step leaves the bracket or does
  /// not shrink it fast enough. Stops at |hi − lo| ≤ tolerance · max(1, |x|).
  public static func root(
    in interval: ClosedRange<Double>, tolerance: Double = 1e-14, maxIterations: Int = 500,
    _ f: (Double) -> Double
  ) throws -> Double {
    var lo = interval.lowerBound, hi = interval.upperBound
    var flo = f(lo), fhi = f(hi)
    if flo == 0 { return lo }
    if fhi == 0 { return hi }
    guard flo.sign != fhi.sign, flo.isFinite || fhi.isFinite else {
      throw NoBracket(description: "no sign change of the function on [\(lo), \(hi)]")
    }
    var x = 0.5 * (lo + hi)
    for _ in 0..<maxIterations {
      let fx = f(x)
      if fx == 0 { return x }
      if fx.sign == flo.sign { lo = x; flo = fx } else { hi = x; fhi = fx }
      if hi - lo <= tolerance * max(1, abs(x)) { return 0.5 * (lo + hi) }
      let h = 1e-7 * max(1, abs(x))
      let d = (f(x + h) - fx) / h
      var next = d != 0 && d.isFinite ? x - fx / d : .nan
      if !(next > lo && next < hi) || abs(next - x) > 0.5 * (hi - lo) { next = 0.5 * (lo + hi) }
      x = next
    }
    return 0.5 * (lo + hi)
  }

  /// The minimum of a unimodal `f` on [lo, hi] by golden-section search (to `tolerance`
  /// relative to the interval), returning (x, f(x)).
  public static func minimize(
    in interval: ClosedRange<Double>, tolerance: Double = 1e-12, _ f: (Double) -> Double
  ) -> (x: Double, value: Double) {
    let g = (5.0.squareRoot() - 1) / 2
    var a = interval.lowerBound, b = interval.upperBound
    var c = b - g * (b - a), d = a + g * (b - a)
    var fc = f(c), fd = f(d)
    let width = b - a
    while abs(b - a) > tolerance * max(1, width) {
      if fc < fd {
        b = d; d = c; fd = fc
        c = b - g * (b - a); fc = f(c)
      } else {
        a = c; c = d; fc = fd
        d = a + g * (b - a); fd = f(d)
      }
    }
    let x = 0.5 * (a + b)
    return (x, f(x))
  }
}
