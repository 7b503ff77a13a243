import Foundation
import XCTest

/// The folders of `Sources/ScalingLaws` are layered one way (README, Layout): a file may name the
/// types and top-level functions of its own folder and of the folders before it, never of a
/// folder after it. This test reads the sources and fails with every back-edge it finds.
final class LayeringTests: XCTestCase {
  static let order = [
    "Support", "Schedules", "Data", "Formula", "Laws", "LawFitting", "Prediction", "Downstream", "Architecture", "Planning",
    "Output", "Plotting", "Reporting", "Pipelines",
  ]

  func testNoFolderNamesALaterFolder() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Sources/ScalingLaws")
    let folders = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !$0.hasPrefix(".") }.sorted()
    XCTAssertEqual(folders, Self.order.sorted(), "every folder has a place in the order")
    var files: [(folder: String, name: String, text: String)] = []
    for folder in folders {
      for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path) where name.hasSuffix(".swift") {
        files.append((folder, name, try String(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(name), encoding: .utf8)))
      }
    }
    // Declarations at the top level of a file (no indentation) that other files can see.
    let declaration = try NSRegularExpression(
      pattern: #"^(?:public |internal )?(?:final |indirect )?(?:struct|enum|class|protocol|typealias|func) +([A-Za-z_][A-Za-z0-9_]*)"#,
      options: [.anchorsMatchLines])
    var owner: [String: String] = [:]
    for f in files {
      let ns = f.text as NSString
      for m in declaration.matches(in: f.text, range: NSRange(location: 0, length: ns.length)) {
        let name = ns.substring(with: m.range(at: 1))
        if owner[name] == nil { owner[name] = f.folder }
      }
    }
    XCTAssertGreaterThan(owner.count, 100, "the declarations were found")
    let rank = Dictionary(uniqueKeysWithValues: Self.order.enumerated().map { ($1, $0) })
    var backEdges: [String] = []
    for f in files {
      let code = Self.codeOnly(f.text)
      let words = Set(code.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init))
      for word in words.sorted() {
        guard let home = owner[word], let a = rank[f.folder], let b = rank[home], b > a else { continue }
        backEdges.append("\(f.folder)/\(f.name) names \(word) (\(home))")
      }
    }
    XCTAssertEqual(backEdges, [], backEdges.joined(separator: "\n"))
  }

  /// `text` without comments and string literals (a name in a doc comment or a message is not a use).
  static func codeOnly(_ text: String) -> String {
    var out = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var inString = false
      var previous: Character = " "
      var kept = ""
      for c in line {
        if !inString && c == "/" && previous == "/" {
          kept.removeLast()
          break
        }
        if c == "\"" && previous != "\\" { inString.toggle() } else if !inString { kept.append(c) }
        previous = c
      }
      out += kept + "\n"
    }
    return out
  }
}
