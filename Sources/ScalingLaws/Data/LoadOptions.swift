/// How to read a file: explicit column names, derivations and filters.
public struct LoadOptions: Sendable, Equatable {
  /// Explicit column names by role (overrides the aliases).
  public var columns: [Quantity: String] = [:]
  /// Tokens per optimiser step, to derive D = step × tokensPerStep (Pythia: 2,097,152).
  public var tokensPerStep: Double? = nil
  public var minStep: Double? = nil
  public var minTokens: Double? = nil
  public var maxParams: Double? = nil
  public var excludeRuns: [String] = []
  /// Keep only these runs (empty: every run).
  public var includeRuns: [String] = []
  /// Keep only the last checkpoint (largest step, else largest tokens) of each run.
  public var finalOnly = false
  /// The default of a final-loss law: when the file has a run column and some run has several
  /// checkpoints, keep only the last checkpoint of each run (reported as a filter that names
  /// the default and the way out, `--checkpoints all`).
  public var finalByDefault = false
  /// Set when the law models the learning-rate schedule: the schedule columns (`lr`, `peak_lr`,
  /// `total_steps`, `warmup_steps`, `schedule`, `schedule_args`) are read and each run's
  /// schedule is built from them and these defaults. Nil: schedule columns are not read.
  public var schedule: ScheduleOptions? = nil
  /// With a schedule and no `minStep`: drop each run's checkpoints before this multiple of its
  /// warm-up (``RunSchedule/warmupLength``), the end-of-warm-up transient that no curve law
  /// describes. Nil: keep them. `scaling fit`, `report` and `ladder` set
  /// ``defaultWarmupTransient`` for the learning-rate-aware laws; `predict` keeps every row.
  public var warmupTransient: Double? = nil
  /// 1.5: runs of one model and schedule that differ only in their seed differ by about 0.5% in
  /// the first quarter warm-up after it and by 0.05% (the checkpoints' scatter) from 1.5× the
  /// warm-up on (the 25M and 100M runs of `datasets/lr-schedules`); chosen by backtest over
  /// 1.25–3× on those runs and the OLMo ladder (`MultiPowerFitTests`, `README.md`).
  public static let defaultWarmupTransient = 1.5
  /// Set for a metric law (`--law sigmoid`): the `x` and `y` columns are read (any finite
  /// numbers) and y takes the place of the loss. Unset: those columns are not read.
  public var metric = false
  /// Explicitly named columns that may be missing from a file (then the role is simply absent),
  /// e.g. the observed metric of a chained prediction.
  public var optionalColumns: Set<Quantity> = []
  /// Rows outside a law's domain (a required value zero or negative, such as tokens 0 at step 0)
  /// are dropped with a count and the first reason (a filter line) instead of failing the file:
  /// `predict` predicts the rows it can.
  public var skipOutOfDomain = false
  /// Open inputs a formula law reads: input name → column (`--input U=unique_tokens`), any
  /// finite numbers (K/M/B/T suffixes allowed).
  public var inputs: [String: String] = [:]
  /// Whether the loss may be 0 or negative (a formula law with linear residuals, e.g. a
  /// unigram-normalised loss); otherwise a loss must be positive.
  public var signedLoss = false
  /// The law's compute rule where it is not 6ND (a formula law's `--compute-rule`, the
  /// vocabulary law's 6(N + VW)D): a file without a flops column gets C from it, one without a
  /// tokens column D from C.
  public var flopsRule: FlopsRule? = nil

  public init() {}
}
