import Fitting
import Foundation

/// Answers budget questions with closed forms where they exist (Chinchilla: Hoffmann eq. 4)
/// and safeguarded 1-D solvers where they do not (inference-aware, data-constrained).
public struct Planner: Sendable {
  public var law: PlanningLaw
  /// Percentile interval level for answers from bootstrap samples.
  public var confidence: Double = 0.95
  /// With inference demand: hold the lifetime FLOPs (training + inference) at the budget instead
  /// of the budget's loss (``inferenceAware(_:inferenceTokens:)``).
  public var holdLifetimeBudget = false

  public init(law: PlanningLaw) {
    self.law = law
  }

  public struct PlanError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
  }

  /// The answer with what the law's fit says about it: the fit's warnings (E driven to 0, an
  /// exponent at the edge, a flat valley, …), a predicted loss below the lowest loss observed,
  /// a budget more than two decades of compute beyond the data, with the distance, and a split
  /// whose tokens per parameter lie outside the range of the fitted data (the exponents, not
  /// the data, then decide between N and D).
  public func annotated(_ a: Allocation) -> Allocation {
    if case .frontier(let f, _) = law { return annotated(a, frontier: f) }
    if case .fitted(let f, _) = law { return annotated(a, fitted: f) }
    guard case .chinchilla(let c, _) = law else { return a }
    var out = a
    var notes: [PlanNote] = []
    for w in c.fitWarnings { notes.append(.fitWarning(w, law: c.name)) }
    if let lo = c.observedLossMin, a.loss < lo {
      notes.append(
        .warning("the predicted loss \(String(format: "%.4f", a.loss)) is below the lowest loss observed in the fitted data (\(String(format: "%.4f", lo))): an extrapolation"))
    }
    if let hi = c.observedFlopsMax, hi > 0, a.flops > 100 * hi {
      notes.append(
        .warning("\(String(format: "%.3g", a.flops)) FLOPs is \(String(format: "%.1f", log10(a.flops / hi))) decades of compute beyond the fitted data (largest \(String(format: "%.3g", hi)) FLOPs)"))
    }
    if let r = c.observedTokensPerParam, a.params > 0 {
      let ratio = a.tokens / a.params
      if !r.contains(ratio) {
        notes.append(
          .warning("D/N = \(String(format: "%.3g", ratio)) tokens per parameter is outside the fitted data's range (\(String(format: "%.3g", r.lowerBound)) to \(String(format: "%.3g", r.upperBound))): the split between N and D extrapolates the fitted exponents (alpha = \(String(format: "%.3g", c.alpha)), beta = \(String(format: "%.3g", c.beta)))"))
      }
    }
    out.notes = notes + out.notes
    return out
  }

  /// Compute-optimal N and D for a budget of C FLOPs.
  public func allocation(flops C: Double) -> Allocation {
    switch law {
    case .chinchilla(let c, let samples):
      var a = Allocation(
        query: "flops", flops: C, params: c.optimalParams(flops: C), tokens: c.optimalTokens(flops: C),
        loss: c.optimalLoss(flops: C))
      addIntervals(&a, samples) { s in (C, s.optimalParams(flops: C), s.optimalTokens(flops: C), s.optimalLoss(flops: C)) }
      return a
    case .kaplan(let k):
      var a = Allocation(
        query: "flops", flops: C, params: k.optimalParams(flops: C), tokens: k.optimalTokens(flops: C),
        loss: k.frontierLoss(flops: C))
      a.notes.append("Kaplan's N is non-embedding and his frontier does not satisfy C = 6ND exactly (6ND/C = \(String(format: "%.3g", 6 * a.params * a.tokens / C)))")
      a.notes.append(Self.kaplanLossNote(k, flops: C))
      return a
    case .frontier(let f, let samples):
      return frontierAllocation(query: "flops", C, f, samples) { _ in C }
    case .fitted(let f, let samples):
      return fittedAllocation(query: "flops", f, samples) { s in s.optimum(flops: C).map { FittedAnswer(C, $0) } }
    }
  }

  /// The least compute that reaches loss L, and its N and D.
  public func allocation(targetLoss L: Double) throws -> Allocation {
    switch law {
    case .chinchilla(let c, let samples):
      guard L > c.E else {
        throw PlanError("\(OptionName.targetLoss) \(L) is at or below the law's irreducible loss E = \(c.E) (\(c.name)): no amount of compute reaches it")
      }
      let C = c.flops(forLoss: L)
      var a = Allocation(query: "target-loss", flops: C, params: c.optimalParams(flops: C), tokens: c.optimalTokens(flops: C), loss: L)
      addIntervals(&a, samples) { s in
        guard L > s.E else { return nil }
        let C = s.flops(forLoss: L)
        return (C, s.optimalParams(flops: C), s.optimalTokens(flops: C), L)
      }
      return a
    case .kaplan(let k):
      guard L > 0, let C = k.flops(forFrontierLoss: L) else {
        throw PlanError("\(OptionName.targetLoss) must be positive (and reachable under Kaplan's L(N, D) along his frontier)")
      }
      var a = Allocation(query: "target-loss", flops: C, params: k.optimalParams(flops: C), tokens: k.optimalTokens(flops: C), loss: L)
      a.notes.append(Self.kaplanLossNote(k, flops: C))
      return a
    case .frontier(let f, let samples):
      guard let l = f.lossLaw else {
        throw PlanError("\(OptionName.targetLoss) needs the frontier's optimal-loss law L*(C), which this fit has none of (fewer than 3 used budgets)")
      }
      guard let C = f.flops(forLoss: L) else {
        throw PlanError("\(OptionName.targetLoss) \(L) is at or below the frontier's loss floor E = \(l.E) (L*(C) = E + k*C^-gamma): no amount of compute reaches it")
      }
      var a = frontierAllocation(query: "target-loss", C, f, samples) { $0.flops(forLoss: L) }
      a.loss = L
      a.intervals["loss"] = nil
      return a
    case .fitted(let f, let samples):
      guard f.flops(forLoss: L) != nil else {
        throw PlanError("\(OptionName.targetLoss) \(L) is not reached by \(f.name) at any budget from 1e12 to 1e40 FLOPs (its optimal loss there runs from \(f.optimum(flops: 1e12).map { String(format: "%.4f", $0.loss) } ?? "n/a") to \(f.optimum(flops: 1e40).map { String(format: "%.4f", $0.loss) } ?? "n/a"))")
      }
      var a = fittedAllocation(query: "target-loss", f, samples) { s in
        s.flops(forLoss: L).flatMap { C in s.optimum(flops: C).map { FittedAnswer(C, $0, loss: L) } }
      }
      a.loss = L
      a.intervals["loss"] = nil
      return a
    }
  }

  /// A fixed model size: its compute-optimal tokens and loss, or with a target loss, the tokens
  /// it needs to reach it.
  public func allocation(params N: Double, targetLoss: Double? = nil) throws -> Allocation {
    switch law {
    case .chinchilla(let c, let samples):
      if let L = targetLoss {
        guard let D = c.tokens(params: N, loss: L) else {
          let floor = c.E + c.A / pow(N, c.alpha)
          throw PlanError("\(OptionName.targetLoss) \(L) is unreachable with \(shortCount(N)) parameters: that size's loss floor is E + A/N^alpha = \(String(format: "%.4f", floor)) (\(c.name))")
        }
        var a = Allocation(query: "params+target-loss", flops: 6 * N * D, params: N, tokens: D, loss: L)
        let optimal = c.optimalTokens(params: N)
        a.notes.append("compute-optimal for this size would be \(shortCount(optimal)) tokens (loss \(String(format: "%.4f", c.loss(params: N, tokens: optimal))))")
        addIntervals(&a, samples) { s in s.tokens(params: N, loss: L).map { (6 * N * $0, N, $0, L) } }
        return a
      }
      return allocation(query: "params", c, samples) { (N, $0.optimalTokens(params: N)) }
    case .kaplan(let k):
      if let L = targetLoss {
        // Kaplan's joint law L(N, D) (Table 2 fit: alpha_N 0.076, alpha_D 0.103, Nc 6.4e13, Dc 1.8e13).
        let r = pow(L, 1 / 0.103) - pow(6.4e13 / N, 0.076 / 0.103)
        guard r > 0 else {
          throw PlanError("\(OptionName.targetLoss) \(L) is unreachable with \(shortCount(N)) parameters under Kaplan's L(N, D) (its floor at this size is \(String(format: "%.4f", pow(6.4e13 / N, 0.076))))")
        }
        let D = 1.8e13 / r
        var a = Allocation(query: "params+target-loss", flops: 6 * N * D, params: N, tokens: D, loss: L)
        a.notes.append("tokens from Kaplan's joint L(N, D) fit (Table 2: alpha_N 0.076, alpha_D 0.103, Nc 6.4e13, Dc 1.8e13)")
        return a
      }
      let C = k.flops(forParams: N)
      var a = Allocation(query: "params", flops: C, params: N, tokens: k.optimalTokens(flops: C), loss: k.frontierLoss(flops: C))
      a.notes.append("C from inverting Kaplan's N_opt(C); Kaplan's frontier does not satisfy C = 6ND exactly")
      a.notes.append(Self.kaplanLossNote(k, flops: C))
      return a
    case .frontier(let f, let samples):
      if targetLoss != nil { throw Self.needsLossOfND(f, "--params with \(OptionName.targetLoss)") }
      var a = frontierAllocation(query: "params", f.flops(forParams: N), f, samples) { $0.flops(forParams: N) }
      a.params = N
      a.intervals["params"] = nil
      a.notes.append("the budget whose optimal model has \(shortCount(N)) parameters (N*(C) = \(String(format: "%.4g", f.kN))*C^\(String(format: "%.4f", f.a)) inverted)")
      return a
    case .fitted(let f, let samples):
      if let L = targetLoss {
        try Self.refuseChosen(f, "--params with \(OptionName.targetLoss)")
        guard f.tokens(params: N, loss: L) != nil else {
          throw PlanError("\(OptionName.targetLoss) \(L) is unreachable with \(shortCount(N)) parameters under \(f.name) (its loss at 1e30 tokens is \(String(format: "%.4f", f.loss(params: N, tokens: 1e30))))")
        }
        var a = fittedAllocation(query: "params+target-loss", f, samples) { s in
          s.tokens(params: N, loss: L).map { FittedAnswer(flops: s.flops(params: N, tokens: $0), params: N, tokens: $0, loss: L) }
        }
        a.intervals["loss"] = nil
        a.intervals["params"] = nil
        return a
      }
      guard f.flops(forParams: N) != nil else {
        throw PlanError("no budget from 1e12 to 1e40 FLOPs has \(shortCount(N)) parameters as its optimum under \(f.name)")
      }
      var a = fittedAllocation(query: "params", f, samples) { s in
        s.flops(forParams: N).flatMap { C in s.optimum(flops: C).map { var o = $0; o.params = N; return FittedAnswer(C, o) } }
      }
      a.params = N
      a.intervals["params"] = nil
      a.notes.append("the budget whose compute-optimal model has \(shortCount(N)) parameters under the fitted law (found numerically)")
      return a
    }
  }

  /// A fixed model size and amount of data (the cost question: "what does 7B on 2T tokens
  /// cost?"): C = 6ND, the law's loss there, and, in a note, what the compute-optimal split of
  /// the same C would give. Kaplan: the joint L(N, D) of Kaplan et al. (2020) Table 2.
  public func allocation(params N: Double, tokens D: Double) throws -> Allocation {
    let C = 6 * N * D
    switch law {
    case .chinchilla(let c, let samples):
      var a = Allocation(query: "params+tokens", flops: C, params: N, tokens: D, loss: c.loss(params: N, tokens: D))
      let n = c.optimalParams(flops: C), d = c.optimalTokens(flops: C)
      a.notes.append(
        "the compute-optimal split of the same \(String(format: "%.3g", C)) FLOPs under this law: N = \(shortCount(n)), D = \(shortCount(d)) (D/N = \(ratioText(d / n))), loss \(String(format: "%.4f", c.loss(params: n, tokens: d)))")
      addIntervals(&a, samples) { s in (C, N, D, s.loss(params: N, tokens: D)) }
      return a
    case .kaplan(let k):
      let L = k.loss(params: N, tokens: D)
      var a = Allocation(query: "params+tokens", flops: C, params: N, tokens: D, loss: L)
      a.notes.append("loss from Kaplan's joint L(N, D) fit (Table 2: alpha_N 0.076, alpha_D 0.103, Nc 6.4e13, Dc 1.8e13)")
      return a
    case .frontier(let f, _):
      throw Self.needsLossOfND(f, "--params with --tokens (the cost question)")
    case .fitted(let f, let samples):
      try Self.refuseChosen(f, "--params with --tokens")
      let C = f.flops(params: N, tokens: D)
      var a = fittedAllocation(query: "params+tokens", f, samples) { s in
        FittedAnswer(flops: s.flops(params: N, tokens: D), params: N, tokens: D, loss: s.loss(params: N, tokens: D))
      }
      if let o = f.optimum(flops: C) {
        a.notes.append(
          "the compute-optimal split of the same \(String(format: "%.3g", C)) FLOPs under this law: N = \(shortCount(o.params)), D = \(shortCount(o.tokens)) (D/N = \(ratioText(o.tokens / o.params))), loss \(String(format: "%.4f", o.loss))")
      }
      return a
    }
  }

  /// A fixed amount of data: the compute-optimal model size for it.
  public func allocation(tokens D: Double) -> Allocation {
    switch law {
    case .chinchilla(let c, let samples):
      return allocation(query: "tokens", c, samples) { ($0.optimalParams(tokens: D), D) }
    case .kaplan(let k):
      let C = k.flops(forTokens: D)
      var a = Allocation(query: "tokens", flops: C, params: k.optimalParams(flops: C), tokens: D, loss: k.frontierLoss(flops: C))
      a.notes.append(Self.kaplanLossNote(k, flops: C))
      return a
    case .frontier(let f, let samples):
      var a = frontierAllocation(query: "tokens", f.flops(forTokens: D), f, samples) { $0.flops(forTokens: D) }
      a.tokens = D
      a.intervals["tokens"] = nil
      return a
    case .fitted(let f, let samples):
      var a = fittedAllocation(query: "tokens", f, samples) { s in
        s.flops(forTokens: D).flatMap { C in s.optimum(flops: C).map { var o = $0; o.tokens = D; return FittedAnswer(C, o) } }
      }
      a.tokens = D
      a.intervals["tokens"] = nil
      return a
    }
  }

  /// One answer of a fitted formula law: (C, N, D, L) and the values the plan chose for the
  /// law's chosen inputs (with those at an end of their range).
  struct FittedAnswer {
    var flops: Double
    var params: Double
    var tokens: Double
    var loss: Double
    var inputs: [String: Double] = [:]
    var atRangeEnd: [String] = []

    init(flops: Double, params: Double, tokens: Double, loss: Double) {
      (self.flops, self.params, self.tokens, self.loss) = (flops, params, tokens, loss)
    }

    init(_ C: Double, _ o: FittedLaw.Optimum, loss: Double? = nil) {
      (flops, params, tokens, self.loss) = (C, o.params, o.tokens, loss ?? o.loss)
      inputs = o.inputs
      atRangeEnd = o.atRangeEnd
    }
  }

  /// A fixed run has no optimum to choose an input at: the question needs --at for it.
  static func refuseChosen(_ f: FittedLaw, _ what: String) throws {
    guard let name = f.chosenInputs.keys.sorted().first else { return }
    throw PlanError("\(what) fixes the run, so there is no optimum to choose \(name) at: give --at \(name)=VALUE (--choose applies to --flops, --target-loss, --params alone and --tokens alone)")
  }

  /// A fitted formula law's answer: `pick` under the fit and under each bootstrap resample (the
  /// intervals, also for each chosen input). A question the fit itself cannot answer gives a
  /// non-finite answer, refused by `PlanRequest.answers` with the question named.
  private func fittedAllocation(
    query: String, _ f: FittedLaw, _ samples: [FittedLaw], _ pick: (FittedLaw) -> FittedAnswer?
  ) -> Allocation {
    let main = pick(f)
    var a = Allocation(query: query, flops: main?.flops ?? .nan, params: main?.params ?? .nan, tokens: main?.tokens ?? .nan, loss: main?.loss ?? .nan)
    var answers: [FittedAnswer?] = []
    addIntervals(&a, samples) { s -> (Double, Double, Double, Double)? in
      let r = pick(s)
      answers.append(r)
      return r.map { ($0.flops, $0.params, $0.tokens, $0.loss) }
    }
    if !f.fixedInputs.isEmpty {
      a.notes.append("held: \(f.fixedInputs.sorted { $0.key < $1.key }.map { "\($0.key) = \(shortCount($0.value))" }.joined(separator: ", ")) (the law's other inputs)")
    }
    if let main {
      a.inputs = main.inputs
      let lo = (1 - confidence) / 2
      for (name, _) in main.inputs.sorted(by: { $0.key < $1.key }) {
        let column = answers.compactMap { $0?.inputs[name] }.filter(\.isFinite)
        if column.count >= 2 { a.intervals["input:\(name)"] = (percentile(column, lo), percentile(column, 1 - lo)) }
        let range = f.chosenInputs[name].map { "\(shortCount($0.lowerBound)) to \(shortCount($0.upperBound))" } ?? ""
        if main.atRangeEnd.contains(name) {
          a.notes.append(.warning("the chosen \(name) = \(shortCount(main.inputs[name]!)) is at an end of its range (\(range)): the law prefers \(name) beyond it; widen --choose or hold it with --at"))
        } else {
          a.notes.append("chosen: \(name) = \(shortCount(main.inputs[name]!)) (the loss-minimising value within \(range) at this budget)")
        }
      }
    }
    return a
  }

  /// A fitted formula law's answer with what its fit says: its warnings, a loss below the lowest
  /// observed, a budget more than two decades beyond the data, a D/N outside the data's.
  func annotated(_ a: Allocation, fitted f: FittedLaw) -> Allocation {
    var out = a
    var notes = f.fitWarnings.map { PlanNote.fitWarning($0, law: f.name) }
    if let lo = f.observedLossMin, a.loss < lo {
      notes.append(.warning("the predicted loss \(String(format: "%.4f", a.loss)) is below the lowest loss observed in the fitted data (\(String(format: "%.4f", lo))): an extrapolation"))
    }
    if let hi = f.observedFlopsMax, hi > 0, a.flops > 100 * hi {
      notes.append(.warning("\(String(format: "%.3g", a.flops)) FLOPs is \(String(format: "%.1f", log10(a.flops / hi))) decades of compute beyond the fitted data (largest \(String(format: "%.3g", hi)) FLOPs)"))
    }
    if let r = f.observedTokensPerParam, a.params > 0, !r.contains(a.tokens / a.params) {
      notes.append(.warning("D/N = \(String(format: "%.3g", a.tokens / a.params)) tokens per parameter is outside the fitted data's range (\(String(format: "%.3g", r.lowerBound)) to \(String(format: "%.3g", r.upperBound)))"))
    }
    out.notes = notes + out.notes
    return out
  }

  /// Which of Kaplan's fits gave the loss, and what the frontier's own L(C_min) says.
  static func kaplanLossNote(_ k: KaplanFrontier, flops C: Double) -> PlanNote {
    PlanNote(
      .note,
      "loss from Kaplan's joint L(N, D) fit (Table 2: alpha_N 0.076, alpha_D 0.103, Nc 6.4e13, Dc 1.8e13), as for every (N, D); the frontier's own L(C_min) (eq. 1.3, a separate fit) gives \(String(format: "%.4f", k.optimalLoss(flops: C))) at this budget")
  }

  /// The error for a question a frontier cannot answer (it has no loss of an arbitrary N and D).
  static func needsLossOfND(_ f: AllocationFrontier, _ what: String) -> PlanError {
    PlanError("\(what) needs the loss of any (N, D), and \(f.name) is an Approach 1/2 frontier (the optimum at each budget only); fit a law of N and D (scaling fit --law chinchilla) for this question")
  }

  /// The frontier's optimum at the budget `budget(f)` picks, with intervals from the same pick
  /// under each bootstrap resample's frontier.
  private func frontierAllocation(
    query: String, _ C: Double, _ f: AllocationFrontier, _ samples: [AllocationFrontier],
    budget: (AllocationFrontier) -> Double?
  ) -> Allocation {
    var a = Allocation(query: query, flops: C, params: f.optimalParams(flops: C), tokens: f.optimalTokens(flops: C), loss: f.optimalLoss(flops: C))
    addIntervals(&a, samples) { s in
      budget(s).map { c in (c, s.optimalParams(flops: c), s.optimalTokens(flops: c), s.optimalLoss(flops: c)) }
    }
    if a.intervals["loss"].map({ !$0.0.isFinite || !$0.1.isFinite }) == true { a.intervals["loss"] = nil }
    if query == "flops" { a.intervals["flops"] = nil }
    if f.lossLaw == nil {
      a.notes.append("no loss: the frontier has no optimal-loss law L*(C) (it needs 3 or more used budgets)")
    }
    return a
  }

  /// A frontier's answer with what its fit says: its warnings, and a budget more than two decades
  /// beyond the fitted ones.
  func annotated(_ a: Allocation, frontier f: AllocationFrontier) -> Allocation {
    var out = a
    var notes = f.fitWarnings.map { PlanNote.fitWarning($0, law: f.name) }
    if let r = f.fittedFlops, a.flops > 100 * r.upperBound {
      notes.append(
        .warning("\(String(format: "%.3g", a.flops)) FLOPs is \(String(format: "%.1f", log10(a.flops / r.upperBound))) decades of compute beyond the fitted budgets (largest \(String(format: "%.3g", r.upperBound)))"))
    }
    out.notes = notes + out.notes
    return out
  }

  /// Sardana & Frankle 2023: the cheapest model over its lifetime (training + 2·N·T inference)
  /// that reaches the base allocation's loss; with `holdLifetimeBudget`, the lowest loss whose
  /// training and inference together cost the base allocation's FLOPs.
  public func inferenceAware(_ base: Allocation, inferenceTokens T: Double) throws -> Allocation {
    guard case .chinchilla(let c, _) = law else {
      throw PlanError("\(OptionName.inferenceTokens) needs a Chinchilla-form law (not kaplan, nor an Approach 1/2 frontier)")
    }
    if holdLifetimeBudget {
      let r = try InferenceAwarePlanner(constants: c).plan(lifetimeFlops: base.flops, inferenceTokens: T)
      var a = Allocation(
        query: base.query + "+inference", flops: r.trainingFlops, params: r.params, tokens: r.tokens,
        loss: c.loss(params: r.params, tokens: r.tokens))
      a.inference = r
      a.notes.append(
        "held: the lifetime budget, \(String(format: "%.4g", base.flops)) FLOPs for training plus serving \(shortCount(T)) inference tokens (2·N·T = \(String(format: "%.4g", r.inferenceFlops))): training gets \(String(format: "%.4g", r.trainingFlops)), and the loss is the lowest that budget buys (training alone with it would reach \(String(format: "%.4f", base.loss)))")
      return a
    }
    let r = try InferenceAwarePlanner(constants: c).plan(loss: base.loss, inferenceTokens: T)
    if base.query == "params+tokens" {
      // The user fixed the run: inference adds its cost, N and D stay; the inference-optimal
      // model of the same loss is advice in a note.
      var fixed = r
      fixed.params = base.params
      fixed.tokens = base.tokens
      fixed.trainingFlops = base.flops
      fixed.inferenceFlops = 2 * base.params * T
      var a = base
      a.query = base.query + "+inference"
      a.inference = fixed
      a.notes.append(
        "inference-aware (Sardana & Frankle 2023): \(shortCount(T)) inference tokens add 2·N·T = \(String(format: "%.4g", fixed.inferenceFlops)) FLOPs to this run's \(String(format: "%.4g", base.flops)) (lifetime \(String(format: "%.4g", fixed.totalFlops))); the cheapest model over that lifetime at the same loss \(String(format: "%.4f", base.loss)) would be \(shortCount(r.params)) params on \(shortCount(r.tokens)) tokens, lifetime \(String(format: "%.4g", r.totalFlops)) FLOPs (\(String(format: "%.1f", 100 * (fixed.totalFlops - r.totalFlops) / fixed.totalFlops))% less)")
      return a
    }
    var a = Allocation(query: base.query + "+inference", flops: r.trainingFlops, params: r.params, tokens: r.tokens, loss: base.loss)
    a.inference = r
    a.notes.append(
      "held: the loss \(String(format: "%.4f", base.loss)) (the \(base.query) answer's); training compute becomes \(String(format: "%.4g", r.trainingFlops)) FLOPs (the \(base.query) answer trained with \(String(format: "%.4g", base.flops))); \(OptionName.hold) budget holds the lifetime FLOPs instead")
    a.notes.append(
      "inference-aware (Sardana & Frankle 2023): \(shortCount(T)) inference tokens; lifetime FLOPs \(String(format: "%.4g", r.totalFlops)) vs \(String(format: "%.4g", r.chinchillaTotalFlops)) for the Chinchilla-optimal \(shortCount(r.chinchillaParams)) model at the same loss (saving \(String(format: "%.1f", 100 * r.savingFraction))%)")
    return a
  }

  /// The answer `base` read for a mixture of experts (``ExpertTemplate``). With the law's N as the
  /// active count nothing moves: the same N (active), D, loss and 6·N·D FLOPs, and a total from
  /// the proposed shape's ratio. With N as the total count, a compute budget buys more: the
  /// allocation is the dense one at C/ρ (ρ = N_active/N_total of the shape, found by fixed point,
  /// four rounds), and every other question costs 6·ρ·N·D.
  public func expertAllocation(_ base: Allocation, template t: ExpertTemplate, budget: Double?) -> Allocation {
    var a = base
    var rho = 1.0
    if t.lawParams == .total {
      rho = t.activeFraction(near: base.params)
      if let C = budget {
        // ρ at the answer's N, the answer at C/ρ; the last ρ used is the one reported, so that
        // 6·N_active·D is the budget exactly.
        for _ in 0..<4 {
          a = allocation(flops: C / rho)
          let next = t.activeFraction(near: a.params)
          if next == rho { break }
          if a.params > 0 { rho = next }
        }
        a = allocation(flops: C / rho)
        a.notes = base.notes
        a.flops = C
      } else {
        a.flops = base.flops * rho
      }
      a.intervals["flops"] = nil
    }
    let shape = t.shape(near: a.params)
    let counts = t.counts(lawN: a.params, activeFraction: t.lawParams == .total ? rho : shape.activeParams / shape.totalParams)
    a.query = base.query + "+moe"
    a.experts = ExpertAllocation(template: t, shape: shape, paramsTotal: counts.total, paramsActive: counts.active)
    a.notes.append(
      "mixture of experts, \(t.label): the law's N is the \(t.lawParams.rawValue) parameter count (\(t.lawParams == .active ? "conservative: the extra experts get no credit; \(OptionName.moeLawParams) total credits them as dense parameters" : "optimistic: every expert counts as a dense parameter")); training FLOPs 6 N_active D")
    return a
  }

  /// Lifetime dollars: training at the training hardware plus T output tokens served by the
  /// serving configuration (``ServingAwarePlanner``), at the loss of `base`; with `template`, the
  /// served models are mixtures of experts.
  public func servingAware(
    _ base: Allocation, outputTokens T: Double, training: Hardware, serving: ServingModel.Configuration, swiglu: Bool = false,
    template: ExpertTemplate? = nil
  ) throws -> Allocation {
    guard case .chinchilla(let c, _) = law else {
      throw PlanError("\(OptionName.serving) needs a Chinchilla-form law (not kaplan, nor an Approach 1/2 frontier)")
    }
    var planner = ServingAwarePlanner(constants: c, training: training, serving: serving)
    planner.swiglu = swiglu
    planner.template = template
    var r = try planner.plan(loss: base.loss, outputTokens: T)
    let cheapest = r.best
    let fixedRun = base.query == "params+tokens"
    if fixedRun {
      // The user fixed the run: serving adds its cost, N and D stay.
      guard let o = planner.option(params: base.params, loss: base.loss, outputTokens: T) else {
        throw PlanError("the fixed run (\(shortCount(base.params)) params) cannot be served with these serving settings")
      }
      r.best = o
    }
    var a = Allocation(
      query: base.query + "+serving", flops: fixedRun ? base.flops : r.best.trainingFlops, params: fixedRun ? base.params : r.best.params,
      tokens: fixedRun ? base.tokens : r.best.tokens, loss: base.loss)
    if fixedRun {
      a.notes = base.notes
      a.intervals = base.intervals
      a.notes.append(
        "the run is held as given; the cheapest model over the same lifetime at loss \(String(format: "%.4f", base.loss)) would be \(shortCount(cheapest.params)) params on \(shortCount(cheapest.tokens)) tokens, lifetime $\(String(format: "%.4g", cheapest.totalUSD))")
    }
    a.serving = r
    if let t = template {
      a.experts = ExpertAllocation(template: t, shape: r.best.shape, paramsTotal: r.best.totalParams, paramsActive: r.best.activeParams)
      a.notes = base.notes
    }
    a.notes.append(
      "serving-aware: \(shortCount(T)) output tokens; lifetime $\(String(format: "%.4g", r.best.totalUSD)) vs $\(String(format: "%.4g", r.chinchilla.totalUSD)) for the Chinchilla-optimal \(shortCount(r.chinchilla.params)) model at the same loss (saving \(String(format: "%.1f", 100 * r.savingFraction))%)")
    return a
  }

  /// Muennighoff et al. 2023: the best allocation of C FLOPs with only U unique tokens.
  public func dataConstrained(flops C: Double, uniqueTokens U: Double) throws -> Allocation {
    if case .fitted(let f, _) = law {
      guard f.law.inputNames.contains("U") else {
        throw PlanError("\(OptionName.uniqueTokens) sets the input U of a fitted formula law, and \(f.law.formula) has none (give its other inputs with --at NAME=VALUE)")
      }
      let held = Planner(law: law.holding(["U": U]))
      var a = held.allocation(flops: C)
      a.query = "flops+unique-tokens"
      a.uniqueTokens = U
      a.notes.removeAll { $0.text.hasPrefix("held: ") && f.otherInputs == ["U"] }
      a.notes.append("data-constrained, fitted law: \(String(format: "%.2f", a.tokens / U)) epochs over \(shortCount(U)) unique tokens")
      return a
    }
    guard case .chinchilla(let c, _) = law else {
      throw PlanError("\(OptionName.uniqueTokens) needs a Chinchilla-form law (not kaplan, nor an Approach 1/2 frontier)")
    }
    let law = DataConstrainedLaw(constants: c)
    let r = law.optimalAllocation(flops: C, unique: U)
    var a = Allocation(query: "flops+unique-tokens", flops: C, params: r.params, tokens: r.tokens, loss: r.loss)
    a.uniqueTokens = U
    let epochs = r.tokens / U
    a.notes.append("data-constrained (Muennighoff et al. 2023, R_D* = \(DataConstrainedLaw.rDStar), R_N* = \(DataConstrainedLaw.rNStar)): \(String(format: "%.2f", epochs)) epochs over \(shortCount(U)) unique tokens")
    if epochs > 4 {
      a.notes.append(.warning("\(String(format: "%.1f", epochs)) epochs; beyond about 4 epochs repeated tokens are worth markedly less than fresh ones (Muennighoff et al. 2023)"))
    }
    if c.name != ChinchillaConstants.muennighoffC4.name {
      a.notes.append("R_D* and R_N* were fitted with the muennighoff-c4 constants; combining them with \(c.name) is an approximation")
    }
    return a
  }

  /// Log-spaced budgets from `from` to `to` inclusive.
  public static func sweep(from: Double, to: Double, count: Int) -> [Double] {
    guard count > 1 else { return [from] }
    // In base 10 and with exact end points, so that whole decades come out exact (1e18, not
    // 9.999999999999986e+17).
    let lo = log10(from), hi = log10(to)
    return (0..<count).map { k in
      if k == 0 { return from }
      if k == count - 1 { return to }
      // (lo·(n−1−k) + hi·k)/(n−1) is exact when the exponent is a whole number; then the power
      // is parsed from "1eK" (correctly rounded), since pow(10, 23) is one ulp off 1e23 here.
      let e = (lo * Double(count - 1 - k) + hi * Double(k)) / Double(count - 1)
      if e == e.rounded(), abs(e) < 300, let exact = Double("1e\(Int(e))") { return exact }
      return pow(10, e)
    }
  }

  /// The allocation at the (N, D) that `point` picks under the Chinchilla constants `c`, with
  /// intervals from the same pick under each bootstrap resample.
  private func allocation(
    query: String, _ c: ChinchillaConstants, _ samples: [ChinchillaConstants],
    at point: (ChinchillaConstants) -> (Double, Double)
  ) -> Allocation {
    let (N, D) = point(c)
    var a = Allocation(query: query, flops: 6 * N * D, params: N, tokens: D, loss: c.loss(params: N, tokens: D))
    addIntervals(&a, samples) { s in
      let (n, d) = point(s)
      return (6 * n * d, n, d, s.loss(params: n, tokens: d))
    }
    return a
  }

  private func addIntervals<Sample>(
    _ a: inout Allocation, _ samples: [Sample],
    _ f: (Sample) -> (Double, Double, Double, Double)?
  ) {
    guard samples.count >= 2 else { return }
    let values = samples.compactMap(f).filter { $0.0.isFinite && $0.1.isFinite && $0.2.isFinite }
    guard values.count >= 2 else { return }
    let keys = ["flops", "params", "tokens", "loss"]
    let columns = [values.map { $0.0 }, values.map { $0.1 }, values.map { $0.2 }, values.map { $0.3 }]
    let lo = (1 - confidence) / 2
    for (k, col) in zip(keys, columns) {
      a.intervals[k] = (percentile(col, lo), percentile(col, 1 - lo))
    }
    if values.count < samples.count {
      a.notes.append("\(samples.count - values.count) of \(samples.count) bootstrap samples cannot reach this target (E above it)")
    }
  }

  /// An Approach 1/2 frontier's optimum (`predict --fit ISO.json`): at the budget `flops`, or the
  /// budget whose optimum has `params` or `tokens` (the first given), annotated.
  public func frontierOptimum(flops: Double?, params: Double?, tokens: Double?) throws -> Allocation {
    if let C = flops { return annotated(allocation(flops: C)) }
    if let N = params { return annotated(try allocation(params: N)) }
    guard let D = tokens else { throw PlanError("the optimum of a budget needs a budget, a model size or a token count") }
    return annotated(allocation(tokens: D))
  }
}
