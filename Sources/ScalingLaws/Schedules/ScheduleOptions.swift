/// How to know each run's learning-rate schedule (the `--schedule` family of flags). Per-row
/// columns (`schedule`, `schedule_args`, `total_steps`, `warmup_steps`, `peak_lr`) override these
/// values run by run; without a schedule kind anywhere, an `lr` column at the checkpoints is
/// interpolated.
public struct ScheduleOptions: Sendable, Equatable, Codable {
  public var kind: LearningRateSchedule.Kind? = nil
  public var totalSteps: Int? = nil
  public var warmupSteps: Int? = nil
  /// Warm-up as a fraction of the total steps (rounded to whole steps), when no warm-up steps.
  public var warmupFraction: Double? = nil
  public var peakLR: Double? = nil
  /// η_min / η_peak (default 0.1).
  public var finalLRFraction: Double? = nil
  public var decayStart: Int? = nil
  public var stageStart: Int? = nil
  public var stageLR: Double? = nil
  /// λ of the annealing momentum m_i = λ·m_{i−1} + (η_{i−1} − η_i) (Tissue et al. 2024: 0.999).
  public var annealingDecay: Double = 0.999

  public init() {}

  /// Whether any part of a spec was given as a flag.
  public var hasSpec: Bool {
    kind != nil || totalSteps != nil || warmupSteps != nil || warmupFraction != nil || peakLR != nil
      || finalLRFraction != nil || decayStart != nil || stageStart != nil || stageLR != nil
  }

  /// These settings with each one `flags` gives in its place (a warm-up in steps replaces one
  /// given as a fraction, and the reverse), and `annealingDecay` when given: a fit's recorded
  /// schedule under the settings of a `predict` query.
  public func overridden(by flags: ScheduleOptions, annealingDecay: Double?) -> ScheduleOptions {
    var o = self
    if let k = flags.kind { o.kind = k }
    if let t = flags.totalSteps { o.totalSteps = t }
    if let w = flags.warmupSteps { o.warmupSteps = w; o.warmupFraction = nil }
    if let w = flags.warmupFraction { o.warmupFraction = w; o.warmupSteps = nil }
    if let p = flags.peakLR { o.peakLR = p }
    if let x = flags.finalLRFraction { o.finalLRFraction = x }
    if let x = flags.decayStart { o.decayStart = x }
    if let x = flags.stageStart { o.stageStart = x }
    if let x = flags.stageLR { o.stageLR = x }
    if let a = annealingDecay { o.annealingDecay = a }
    return o
  }

  /// Every option as (key, value), set or not, in the order fit files write them.
  private var allFields: [(String, Double?)] {
    [
      ("total_steps", totalSteps.map(Double.init)), ("warmup_steps", warmupSteps.map(Double.init)),
      ("warmup_fraction", warmupFraction), ("peak_lr", peakLR), ("final_lr_fraction", finalLRFraction),
      ("decay_start", decayStart.map(Double.init)), ("stage_start", stageStart.map(Double.init)),
      ("stage_lr", stageLR), ("annealing_decay", annealingDecay),
    ]
  }

  /// The keys of `fields`, in the order they are written.
  public static let fieldKeys = ScheduleOptions().allFields.map { $0.0 }

  /// The options as (key, value) pairs for fit files, unset ones left out (keys as the YAML
  /// `schedule:` block and the `--schedule` family of flags, with underscores).
  public var fields: [(String, Double)] { allFields.compactMap { k, v in v.map { (k, $0) } } }

  /// Options read back from `fields` (and the kind); unknown keys are ignored.
  public init(kind: String?, fields: [String: Double]) {
    self.kind = kind.flatMap { LearningRateSchedule.Kind(rawValue: $0) }
    totalSteps = fields["total_steps"].map { Int($0) }
    warmupSteps = fields["warmup_steps"].map { Int($0) }
    warmupFraction = fields["warmup_fraction"]
    peakLR = fields["peak_lr"]
    finalLRFraction = fields["final_lr_fraction"]
    decayStart = fields["decay_start"].map { Int($0) }
    stageStart = fields["stage_start"].map { Int($0) }
    stageLR = fields["stage_lr"]
    annealingDecay = fields["annealing_decay"] ?? 0.999
  }
}
