import Fitting
import LinearAlgebra

/// The result of fitting one law to one dataset: everything `scaling fit` prints.
public struct LawFit: Sendable {
  public var file: String
  public var group: String?
  /// The fit's name inside a file that holds several kinds of fit (a report's `fit.json`:
  /// `curve`, `final`, `ladder/METRIC/step1`, ...); `predict` and `plan` pick it with `--group`.
  public var name: String? = nil
  /// The law fitted, as a value: its kind, whether the optional irreducible term was on
  /// (`--irreducible`, Kaplan's single-variable laws), and the options `fixed` and `yRange` below
  /// (the schedule a curve law was fitted with is `dataset.curve?.options`).
  public var kind: LawKind
  public var irreducible: Bool
  public var formula: String
  public var points: Int
  /// The objective's definition, e.g. "sum of Huber_delta(log L_pred - log L_obs), delta = 0.001".
  public var objectiveDefinition: String
  public var objective: Double
  public var converged: Bool
  public var termination: Termination
  /// Tolerances of the final local solve, as text.
  public var tolerances: String
  public var search: SearchStrategy
  /// How the search chose its basin when that is not the plain multistart, e.g. on a subsample.
  public var searchNote: String?
  public var starts: Int
  public var startsConverged: Int
  /// Iterations and evaluations summed over every start and the final polish.
  public var iterations: Int
  public var evaluations: Int
  public var gradientNorm: Double
  public var parameterNames: [String]
  public var parameters: [Double]
  /// Gauss–Newton standard errors (nil when the Jacobian is rank-deficient).
  public var standardErrors: [Double]?
  public var correlation: Matrix?
  /// Condition number of the column-scaled Jacobian (SVD).
  public var conditionNumber: Double
  /// RMSE and R² of the residuals the law is fitted on: log L for a loss law, y for a metric law.
  public var rmseLog: Double
  public var r2Log: Double
  public var warnings: [String]
  /// The internal parameters θ at the optimum.
  public var internalParameters: [Double]
  /// The dataset it was fitted to (provenance: derivations, filters, columns).
  public var dataset: Dataset
  /// Parameters held at a given value (`--fix`): reported with no standard error.
  public var fixed: [String: Double] = [:]
  /// Parameters tied to another (`--tie`): dependent name → the name it equals.
  public var tied: [String: String] = [:]
  /// Gaussian priors of a MAP fit (`--prior`); `objective` then includes `priorTerm`.
  public var priors: [Prior] = []
  /// The prior term's weight c (see `PriorLaw`), when there are priors.
  public var priorScale: Double? = nil
  /// The prior term c·Σz²/2 at the optimum (0 without priors); the data term is
  /// `objective − priorTerm`.
  public var priorTerm: Double = 0
  /// The range a metric law's curve was kept in over the data (`--y-range`), if any.
  public var yRange: ClosedRange<Double>? = nil
  /// Whether both levels of the sigmoid were bound to `yRange` (the curve inside it for every x):
  /// the fitter's fallback when the unbounded curve leaves the range within the data.
  public var levelsBounded = false
  /// What `--auto` compared and chose, when it was asked for.
  public var auto: AutoChoice? = nil
  /// Bootstrap uncertainty, when requested.
  public var bootstrap: BootstrapResult? = nil
  /// The extrapolation check, when requested.
  public var holdout: HoldoutResult? = nil
  /// A formula law's formula, inputs and parameter ranges (nil for a built-in law).
  public var formulaSpec: FormulaSpec? = nil
}

extension LawFit {
  /// The law's name as printed and written ("kaplan-n+E" with the irreducible term).
  public var law: String { LawName(kind, irreducible: irreducible).description }

  /// The law object of this fit (its kind, irreducible term and y-range): what the law knows of
  /// its parameters (which are exponents, their bounds) and how it predicts.
  public var model: any ScalingLaw {
    if kind == .formula, let spec = formulaSpec, let law = try? FormulaLaw(spec) { return law }
    return kind == .sigmoid ? SigmoidLaw(yRange: levelsBounded ? yRange : nil) : kind.makeLaw(irreducible: irreducible)
  }

  /// The law's power-law exponents, by name.
  public var exponentNames: Set<String> { model.exponentNames }

  /// The parameters by name, with standard errors, bounds and what was fixed.
  public var parameterSet: ParameterSet {
    let model = self.model
    return ParameterSet(
      parameterNames.indices.map { i in
        let name = parameterNames[i]
        return ParameterSet.Parameter(
          name: name, value: parameters[i], standardError: standardErrors?[i], bounds: model.parameterBounds[name],
          isFixed: fixed[name] != nil, isExponent: model.exponentNames.contains(name))
      })
  }

  /// The scale of the residuals: "log" for a loss law, "y" for a metric law.
  public var residualScale: String { kind.isMetricLaw ? "y" : formulaSpec?.residual == .linear ? "linear" : "log" }
}
