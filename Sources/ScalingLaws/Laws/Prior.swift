import Foundation

/// A Gaussian prior on one parameter of a law (`--prior alpha=0.34±0.1`), or on log10 of it for a
/// scale constant (`--prior log10(C)=0.32±0.5`): the fit becomes a MAP fit (see `PriorLaw`).
public struct Prior: Sendable, Equatable, CustomStringConvertible {
  public enum Scale: String, Sendable {
    case linear
    case log10
  }

  public var parameter: String
  public var scale: Scale
  public var mean: Double
  public var sd: Double

  public init(parameter: String, scale: Scale = .linear, mean: Double, sd: Double) {
    self.parameter = parameter
    self.scale = scale
    self.mean = mean
    self.sd = sd
  }

  /// "alpha" or "log10(C)": what the prior is on, as written on the command line.
  public var label: String { scale == .log10 ? "log10(\(parameter))" : parameter }

  /// "alpha=0.34+/-0.1", the form `--prior` reads back.
  public var description: String { "\(label)=\(fmt(mean))+/-\(fmt(sd))" }

  /// The prior's coordinate of a parameter value (NaN where log10 of a value ≤ 0).
  public func coordinate(_ value: Double) -> Double {
    scale == .log10 ? (value > 0 ? Foundation.log10(value) : .nan) : value
  }

  /// d coordinate / d value.
  public func slope(_ value: Double) -> Double { scale == .log10 ? 1 / (value * M_LN10) : 1 }

  /// (coordinate − mean)/sd.
  public func z(_ value: Double) -> Double { (coordinate(value) - mean) / sd }

  /// Reads `name=MEAN±SD` (also `+-` or `+/-`), with `log10(name)=…` for a prior on log10 of a
  /// scale parameter. Throws a message without the flag's name (the caller adds it).
  public static func parse(_ text: String) throws -> Prior {
    let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
    guard parts.count == 2, !parts[0].isEmpty else {
      throw FitError("'\(text)': expected NAME=MEAN+-SD, e.g. alpha=0.34+-0.1 or log10(C)=0.3+-0.5, or a named set (\(PriorSet.all.map { $0.name }.joined(separator: ", ")))")
    }
    var name = parts[0]
    var scale = Scale.linear
    if name.hasPrefix("log10(") && name.hasSuffix(")") {
      name = String(name.dropFirst(6).dropLast())
      scale = .log10
    }
    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
      throw FitError("'\(text)': '\(parts[0])' is not a parameter name (write alpha, or log10(C) for a prior on log10 of C)")
    }
    var body = parts[1]
    for sep in ["+/-", "+-"] { body = body.replacingOccurrences(of: sep, with: "±") }
    let ms = body.split(separator: "±", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard ms.count == 2 else {
      throw FitError("'\(text)': expected MEAN+-SD after '=', e.g. \(name)=0.34+-0.1")
    }
    guard let mean = Double(ms[0]), mean.isFinite else {
      throw FitError("'\(text)': the mean '\(ms[0])' is not a finite number")
    }
    guard let sd = Double(ms[1]), sd.isFinite, sd > 0 else {
      throw FitError("'\(text)': the SD '\(ms[1])' must be a positive finite number")
    }
    return Prior(parameter: name, scale: scale, mean: mean, sd: sd)
  }
}

/// A named set of priors for a law, with its source (`--prior multi-power`).
public struct PriorSet: Sendable {
  public var name: String
  public var laws: [LawKind]
  public var priors: [Prior]
  public var source: String
  /// Used when a fit names no priors (`--prior none` turns it off).
  public var isDefault = false

  /// The published multi-power fits (Luo et al. 2025, arXiv 2503.12811; the authors' 25M and
  /// 100M fits in `datasets/lr-schedules/README.md`): β 0.583 / 0.598, γ 0.641 / 0.655,
  /// C 2.066 / 2.132, B 363.8 / 437.9 (at a peak rate of 3e-4: B·η_peak, the loss a full anneal
  /// can remove, 0.11 / 0.13 nats). Means at the two fits' mean (log10 for C and B). The SDs
  /// were chosen by the held-out-schedule backtest on both models (one curve fitted from 1.5×
  /// its warm-up, the other eight schedules predicted): β, γ ± 0.2 and log10 C ± 0.4 on
  /// `cosine_24000` (25M / 100M: SD 0.015, the published spread, 0.48% / 0.47%; 0.1 0.31% /
  /// 0.26%; 0.2 0.27% / 0.19%; 0.3 0.25% / 0.20%; 0.5 0.23% / 0.27%; none 0.22% / 0.51%);
  /// log10 B ± 0.3 (a factor 2) on every single run as the one fitted: one constant-rate run
  /// cannot determine B at all (it trades with L0) and predicted the decays with 2.6% / 3.1%
  /// without it, 0.43% / 0.14% with it (SD 0.2: 0.46% / 0.15%, 0.5: 0.60% / 0.12%), the other
  /// runs unchanged within 0.03 points. A curve that can determine the decay term moves it; one
  /// that cannot leaves it near the published shape rather than at a corner (β = 0.1 or 3,
  /// C → 0). B and C are in the units of the learning rate (these runs: peak 3e-4). The law's
  /// default.
  public static let multiPower = PriorSet(
    name: "multi-power", laws: [.multiPower],
    priors: [
      Prior(parameter: "beta", mean: 0.590, sd: 0.2),
      Prior(parameter: "gamma", mean: 0.648, sd: 0.2),
      Prior(parameter: "C", scale: .log10, mean: 0.32, sd: 0.4),
      Prior(parameter: "B", scale: .log10, mean: 2.60, sd: 0.3),
    ],
    source: "Luo et al. 2025 (arXiv 2503.12811), published 25M and 100M fits", isDefault: true)

  /// The Chinchilla exponents: Hoffmann et al. 2022 (Approach 3, unrounded: α 0.339, β 0.285)
  /// and Besiroglu et al. 2024 (Epoch's refit of the same data: α 0.348, β 0.366). Means at the
  /// two fits' mean, SD 0.1: one SD reaches the usual range of published exponents (0.25–0.45).
  public static let chinchilla = PriorSet(
    name: "chinchilla", laws: [.chinchilla, .chinchillaLR],
    priors: [
      Prior(parameter: "alpha", mean: 0.344, sd: 0.1),
      Prior(parameter: "beta", mean: 0.325, sd: 0.1),
    ],
    source: "Hoffmann et al. 2022 (alpha 0.339, beta 0.285) and Besiroglu et al. 2024 (alpha 0.348, beta 0.366)")

  public static let all: [PriorSet] = [multiPower, chinchilla]

  public static func named(_ name: String) -> PriorSet? { all.first { $0.name == name } }

  /// The named set for a law (nil: the law has none).
  public static func forLaw(_ kind: LawKind) -> PriorSet? { all.first { $0.laws.contains(kind) } }

  /// The priors a fit of `kind` uses when it names none.
  public static func defaults(for kind: LawKind) -> [Prior] {
    forLaw(kind).flatMap { $0.isDefault ? $0.priors : nil } ?? []
  }
}
