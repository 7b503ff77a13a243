/// The columns of one CSV file as the loader reads them, before derivations and filters:
/// which column holds each role, the parsed numbers and labels per role, each row's line, and
/// the values that failed a sign check (reported later, only if their row survives the filters).
struct DatasetTable {
  /// A value that failed a positivity check; reported only if its row survives the filters.
  struct Pending {
    let row: Int
    let quantity: Quantity
    let error: CSVError
  }

  var file: String
  var header: [String] = []
  var columnOf: [Quantity: Int] = [:]
  var numeric: [Quantity: [Double]] = [:]
  var labels: [Quantity: [String]] = [:]
  /// The file line of each data row (the header is line 1).
  var lines: [Int] = []
  var pending: [Pending] = []
  var rowCount = 0
  /// A run named by several columns (`model,deduped`): the columns after the first, joined with "/".
  var runParts: [Int] = []
  /// Open inputs (`LoadOptions.inputs`): name → column index, and the parsed values.
  var inputColumn: [String: Int] = [:]
  var inputs: [String: [Double]] = [:]

  init(file: String) { self.file = file }

  /// Role → header name of every resolved column.
  var columnNames: [Quantity: String] {
    var names: [Quantity: String] = [:]
    for (q, c) in columnOf { names[q] = header[c] }
    return names
  }
}
