/// How the global minimum of a law's objective is searched for (`--search`).
public enum SearchStrategy: String, Sendable, CaseIterable, Codable {
  /// Variable projection over an exponent grid (LAPACK least squares per cell), then a tight
  /// L-BFGS polish of the Huber objective from the best grid basins.
  case fast
  /// The literal Hoffmann/Epoch recipe: L-BFGS (scipy's L-BFGS-B stopping rules) from every
  /// point of the 4,500-start grid, keep the best converged run, then polish it tightly.
  case hoffmann
}
