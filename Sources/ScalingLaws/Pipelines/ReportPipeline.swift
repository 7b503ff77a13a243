import Fitting
import Foundation

/// What `scaling report` fits before it analyses and renders: every (file, group) fitted with
/// the analysis (in parallel), the same files without filters for the faded points of the
/// checkpoint figure, and, for a learning-rate-aware law with a holdout, the final-only
/// Chinchilla recipe on the same files and holdout (the report plans with whichever predicted
/// better). Each file is parsed once by the caller; each part reads the parsed documents with its
/// own load options.
public struct ReportPipeline: Sendable {
  /// The law and its fitting options.
  public var fitOptions: FitOptions
  /// How the fitted rows are read (the law's defaults applied).
  public var loading: LoadOptions
  /// How the Chinchilla recipe's rows are read (final checkpoints by default).
  public var recipeLoading: LoadOptions

  public init(fitOptions: FitOptions, loading: LoadOptions, recipeLoading: LoadOptions) {
    self.fitOptions = fitOptions
    self.loading = loading
    self.recipeLoading = recipeLoading
  }

  /// The fits, the unfiltered datasets (empty when they do not pair with the fits one to one) and
  /// the recipe's fit.
  public struct Fits: Sendable {
    public var fits: [LawFit]
    public var unfiltered: [Dataset?]
    public var finalOnly: LawFit?
  }

  /// `analysis(n)` is the analysis of the n datasets the files hold (its progress counts them).
  public func run(_ documents: [CSVDocument], analysis: (Int) -> FitAnalysis) throws -> Fits {
    let law = fitOptions.law
    let datasets = try documents.flatMap { try DatasetLoader(options: loading, required: fitOptions.makeLaw().required).load($0) }
    // The same files without filters, for the faded points of the checkpoint figure.
    var plain = loading
    plain.minStep = nil
    plain.minTokens = nil
    plain.maxParams = nil
    plain.excludeRuns = []
    plain.finalOnly = false
    plain.finalByDefault = false
    plain.schedule = nil
    plain.metric = false
    let unfilteredLoader = DatasetLoader(options: plain, required: [.loss])
    let unfiltered: [Dataset?] = documents.flatMap { doc -> [Dataset?] in (try? unfilteredLoader.load(doc)) ?? [] }
    let plan = analysis(datasets.count)
    let fits = try parallelMap(datasets.count) { i in Result { try plan.run(datasets[i]) } }.map { try $0.get() }
    var finalOnly: LawFit? = nil
    if law.modelsSchedule, plan.holdout != nil, fits.count == 1 {
      var recipe = plan
      recipe.fitOptions.law = .chinchilla
      recipe.fitOptions.irreducible = false
      let loader = DatasetLoader(options: recipeLoading, required: [.params, .tokens, .loss])
      if let d = try documents.flatMap({ try loader.load($0) }).first {
        finalOnly = try recipe.run(d)
      }
    }
    return Fits(fits: fits, unfiltered: datasets.count == unfiltered.count ? unfiltered : [], finalOnly: finalOnly)
  }
}
