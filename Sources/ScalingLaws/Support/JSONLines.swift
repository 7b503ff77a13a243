import Foundation

/// The lines of a JSON Lines file (`fit --format jsonl`), the one splitter of its two readers:
/// fit records (`FitDocument`) and Approach records (`ApproachDocument`). Blank lines (spaces,
/// tabs, a carriage return) are skipped; every other line comes with its 1-based number and its
/// parsed object (nil when it is not a JSON object), parsed as the sequence is walked, so a
/// reader holds one line's object at a time.
struct JSONLines: Sequence {
  let data: Data

  init(_ data: Data) { self.data = data }

  struct Line {
    var number: Int
    var bytes: Data
    var object: [String: Any]?

    /// A failed fit's line: an "error" and not the record's own `key` ("law", "approach").
    func isFailure(recordKey key: String) -> Bool {
      guard let object else { return false }
      return object["error"] != nil && object[key] == nil
    }
  }

  struct Iterator: IteratorProtocol {
    var parts: ArraySlice<Data>
    var number = 0

    mutating func next() -> Line? {
      while let part = parts.popFirst() {
        number += 1
        let bytes = Data(part)
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
        return Line(number: number, bytes: bytes, object: (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any])
      }
      return nil
    }
  }

  func makeIterator() -> Iterator {
    Iterator(parts: data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)[...])
  }
}
