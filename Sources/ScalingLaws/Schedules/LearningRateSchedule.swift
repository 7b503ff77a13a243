import Foundation

/// A learning-rate schedule, exact at every optimiser step i = 0 … totalSteps − 1.
///
/// Warm-up (all kinds): η_i = η_peak · i / (W − 1) for i < W (numpy's `linspace(0, η_peak, W)`, as
/// in the multi-power-law data of Luo et al. 2025: it starts at 0 and reaches η_peak at i = W − 1).
/// After warm-up, with T = totalSteps and η_min = finalLRFraction · η_peak:
/// - `constant`: η_peak;
/// - `cosine`: η_min + ½(η_peak − η_min)(1 + cos(π (i − W)/(T − W)));
/// - `linear`: η_peak + (η_min − η_peak)(i − W)/(T − W);
/// - `wsd-exp`: η_peak until the decay start S, then η_peak^((T − i)/(T − S)) · η_min^((i − S)/(T − S));
/// - `wsd-linear`: η_peak until S, then linear to η_min at T;
/// - `two-stage`: η_peak before the stage start, then the stage rate.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
  public enum Kind: String, Sendable, Codable, CaseIterable {
    case constant, cosine, linear
    case wsdExp = "wsd-exp"
    case wsdLinear = "wsd-linear"
    case twoStage = "two-stage"
  }

  public var kind: Kind
  public var totalSteps: Int
  public var warmupSteps: Int
  public var peakLR: Double
  /// η_min / η_peak for cosine, linear and the WSD decays (default 0.1).
  public var finalLRFraction: Double
  /// WSD: the step where the decay starts.
  public var decayStart: Int?
  /// Two-stage: the step where the second stage starts, and its rate.
  public var stageStart: Int?
  public var stageLR: Double?

  public struct ScheduleError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ d: String) { description = d }
  }

  public init(
    kind: Kind, totalSteps: Int, warmupSteps: Int = 0, peakLR: Double, finalLRFraction: Double = 0.1,
    decayStart: Int? = nil, stageStart: Int? = nil, stageLR: Double? = nil
  ) throws {
    self.kind = kind
    self.totalSteps = totalSteps
    self.warmupSteps = warmupSteps
    self.peakLR = peakLR
    self.finalLRFraction = finalLRFraction
    self.decayStart = decayStart
    self.stageStart = stageStart
    self.stageLR = stageLR
    try validate()
  }

  func validate() throws {
    guard totalSteps >= 1 else { throw ScheduleError("total steps must be at least 1 (got \(totalSteps))") }
    guard warmupSteps >= 0, warmupSteps < totalSteps else {
      throw ScheduleError("warm-up steps must be in [0, total steps) (got \(warmupSteps) of \(totalSteps))")
    }
    guard peakLR > 0, peakLR.isFinite else { throw ScheduleError("the peak learning rate must be positive (got \(peakLR))") }
    guard finalLRFraction > 0, finalLRFraction <= 1 else {
      throw ScheduleError("the final learning-rate fraction must be in (0, 1] (got \(finalLRFraction))")
    }
    switch kind {
    case .wsdExp, .wsdLinear:
      guard let s = decayStart else { throw ScheduleError("a \(kind.rawValue) schedule needs its decay start (decay_start)") }
      guard s >= warmupSteps, s < totalSteps else {
        throw ScheduleError("the decay start (\(s)) must lie between the end of warm-up (\(warmupSteps)) and the total steps (\(totalSteps))")
      }
    case .twoStage:
      guard let s = stageStart, let r = stageLR else {
        throw ScheduleError("a two-stage schedule needs its stage start and stage rate (stage_start, stage_lr)")
      }
      guard s >= warmupSteps, s < totalSteps else {
        throw ScheduleError("the stage start (\(s)) must lie between the end of warm-up (\(warmupSteps)) and the total steps (\(totalSteps))")
      }
      guard r > 0, r.isFinite else { throw ScheduleError("the stage rate must be positive (got \(r))") }
    default: break
    }
  }

  public var minLR: Double { finalLRFraction * peakLR }

  /// η at step i (steps past the schedule keep its last rate).
  public func lr(at step: Int) -> Double {
    let i = min(max(step, 0), totalSteps - 1)
    let W = warmupSteps
    if i < W { return W > 1 ? peakLR * Double(i) / Double(W - 1) : peakLR }
    let T = Double(totalSteps), x = Double(i)
    let hi = peakLR, lo = minLR
    switch kind {
    case .constant:
      return hi
    case .cosine:
      return lo + 0.5 * (hi - lo) * (1 + cos(Double.pi * (x - Double(W)) / (T - Double(W))))
    case .linear:
      return hi + (lo - hi) * (x - Double(W)) / (T - Double(W))
    case .wsdExp:
      let S = Double(decayStart!)
      if x < S { return hi }
      return pow(hi, (T - x) / (T - S)) * pow(lo, (x - S) / (T - S))
    case .wsdLinear:
      let S = Double(decayStart!)
      if x < S { return hi }
      return hi + (lo - hi) * (x - S) / (T - S)
    case .twoStage:
      return i < stageStart! ? hi : stageLR!
    }
  }

  /// η_0 … η_{count−1}.
  public func rates(count: Int) -> [Double] { (0..<count).map { lr(at: $0) } }

  /// The `k=v;k=v` arguments of a schedule (`decay_start`, `stage_start` or `stage_a`,
  /// `stage_lr` or `lr_b`, `final_lr_fraction`), as in the lr-schedules data.
  public struct Arguments: Sendable, Equatable {
    public var decayStart: Int? = nil
    public var stageStart: Int? = nil
    public var stageLR: Double? = nil
    public var finalLRFraction: Double? = nil

    public init(_ text: String) throws {
      for pair in text.split(separator: ";") where !pair.trimmingCharacters(in: .whitespaces).isEmpty {
        let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard kv.count == 2, let v = Double(kv[1]), v.isFinite else {
          throw ScheduleError("schedule argument '\(pair)' is not key=number")
        }
        switch kv[0].lowercased() {
        case "decay_start": decayStart = Int(v)
        case "stage_start", "stage_a": stageStart = Int(v)
        case "stage_lr", "lr_b": stageLR = v
        case "final_lr_fraction": finalLRFraction = v
        default:
          throw ScheduleError("unknown schedule argument '\(kv[0])' (known: decay_start, stage_start, stage_lr, final_lr_fraction)")
        }
      }
    }
  }

  /// The kind named `name` (case-insensitive), or an error that lists the known kinds.
  public static func kind(named name: String) throws -> Kind {
    guard let kind = Kind(rawValue: name.lowercased()) else {
      throw ScheduleError("unknown schedule '\(name)' (known: \(Kind.allCases.map { $0.rawValue }.joined(separator: ", ")))")
    }
    return kind
  }

  /// A schedule from a name and `k=v;k=v` arguments, as in the lr-schedules data.
  public static func parse(
    kind name: String, arguments: String, totalSteps: Int, warmupSteps: Int, peakLR: Double,
    finalLRFraction: Double = 0.1
  ) throws -> LearningRateSchedule {
    let kind = try kind(named: name)
    let a = try Arguments(arguments)
    return try LearningRateSchedule(
      kind: kind, totalSteps: totalSteps, warmupSteps: warmupSteps, peakLR: peakLR,
      finalLRFraction: a.finalLRFraction ?? finalLRFraction, decayStart: a.decayStart, stageStart: a.stageStart,
      stageLR: a.stageLR)
  }
}
