import PropertyBased
import ScalingLaws
import Testing

/// Any table of strings written as RFC 4180 CSV reads back as the same table.
@Suite struct CSVRoundTripProperties {
  /// Fields built from characters that stress the format: separators, quotes, line ends,
  /// spaces and multi-byte text.
  static let pieces = ["a", "b", "7", ",", "\"", "\n", "\r\n", " ", "é", "漢", "🙂", "x y", "1e9"]
  static let field = Gen.element(of: pieces).map { $0 ?? "a" }.array(of: 0...6).map { $0.joined() }

  static func quote(_ f: String) -> String {
    let special = f.isEmpty || f.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
    return special ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
  }

  static func write(_ table: [[String]]) -> String {
    table.map { row in row.map(quote).joined(separator: ",") }.joined(separator: "\r\n") + "\n"
  }

  @Test func writeThenReadIsIdentity() async {
    await propertyCheck(count: 300, input: Self.field.array(of: 2...4).array(of: 1...8)) { ragged in
      let width = ragged.map { $0.count }.max() ?? 2
      let table: [[String]] = ragged.map { row in row + Array(repeating: "z", count: width - row.count) }
      let text = Self.write(table)
      let bytes = Array(text.utf8)
      var read: [[String]] = []
      do {
        let doc = try CSVDocument(bytes: bytes, name: "p.csv")
        try doc.forEachRecord { fields in read.append(fields.map { doc.string($0) }) }
      } catch {
        Issue.record("\(error) for \(text)")
      }
      #expect(read == table)
    }
  }
}

import Foundation
