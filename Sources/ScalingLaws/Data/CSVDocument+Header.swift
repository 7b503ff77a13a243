import Foundation

extension CSVDocument {
  /// The header's column names (the first record), as written. Empty for an empty file.
  public var headerNames: [String] {
    struct Stop: Error {}
    var names: [String] = []
    do {
      try forEachRecord { fields in
        names = fields.map { string($0) }
        throw Stop()
      }
    } catch {}
    return names
  }
}
