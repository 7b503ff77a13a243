/// The names a formula can write: a letter or _, then letters, digits or _.
public enum FormulaName {
  public static func isName(_ s: String) -> Bool {
    guard let first = s.first, first.isLetter || first == "_" else { return false }
    return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
  }
}
