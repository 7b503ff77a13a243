import XCTest
@testable import ScalingLaws

final class CSVDocumentTests: XCTestCase {
  func records(_ text: String) throws -> [[String]] {
    let doc = try CSVDocument(bytes: Array(text.utf8), name: "t.csv")
    var out: [[String]] = []
    try doc.forEachRecord { fields in out.append(fields.map { doc.string($0) }) }
    return out
  }

  func error(_ text: String) -> String {
    do {
      _ = try records(text)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  func testQuotedCommasDoubledQuotesAndNewlines() throws {
    let r = try records("a,\"b,c\",\"say \"\"hi\"\"\"\n1,\"two\nlines\",3\n")
    XCTAssertEqual(r, [["a", "b,c", "say \"hi\""], ["1", "two\nlines", "3"]])
  }

  func testCRLFBlankLinesAndWhitespaceLines() throws {
    let r = try records("x,y\r\n\r\n1,2\r\n   \r\n3,4\r\n")
    XCTAssertEqual(r, [["x", "y"], ["1", "2"], ["3", "4"]])
  }

  func testLoneCRAndNoFinalNewline() throws {
    XCTAssertEqual(try records("x,y\r1,2"), [["x", "y"], ["1", "2"]])
  }

  func testBOMIsSkipped() throws {
    let doc = try CSVDocument(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\n1,2\n".utf8), name: "t.csv")
    var first: [String] = []
    try doc.forEachRecord { f in if first.isEmpty { first = f.map { doc.string($0) } } }
    XCTAssertEqual(first, ["a", "b"])
  }

  func testEmptyTrailingField() throws {
    XCTAssertEqual(try records("a,b,\n1,2,\n"), [["a", "b", ""], ["1", "2", ""]])
  }

  func testUnterminatedQuoteNamesTheOpeningQuote() {
    XCTAssertEqual(
      error("a,b\n1,\"2\n3,4\n"), "t.csv:2:3: unterminated quoted field (the closing \" is missing)")
  }

  func testCharacterAfterClosingQuote() {
    XCTAssertEqual(
      error("a,b\n\"1\"x,2\n"),
      "t.csv:2:4: unexpected character after a closing quote (a field's quotes must enclose all of it)")
  }

  func testQuoteInsideUnquotedField() {
    XCTAssertEqual(
      error("a,b\n1x\"y,2\n"),
      "t.csv:2:3: a quote inside an unquoted field (quote the whole field and double the quote)")
  }

  func testNonUTF8IsRejectedWithPosition() {
    XCTAssertThrowsError(try CSVDocument(bytes: Array("a,b\n1,".utf8) + [0xFF, 0x0A], name: "t.csv")) {
      XCTAssertEqual("\($0)", "t.csv:2:3: is not valid UTF-8 (byte 0xFF)")
    }
  }

  func testUTF16IsRejected() {
    XCTAssertThrowsError(try CSVDocument(bytes: [0xFF, 0xFE, 0x61, 0x00], name: "t.csv")) {
      XCTAssertEqual("\($0)", "t.csv: is UTF-16 encoded; save it as UTF-8")
    }
  }

  func testNULIsRejected() {
    XCTAssertThrowsError(try CSVDocument(bytes: Array("a,b\n1,2".utf8) + [0], name: "t.csv")) {
      XCTAssertEqual("\($0)", "t.csv:2:4: contains a NUL byte (binary data, not a CSV text file)")
    }
  }

  func testColumnsCountCharactersNotBytes() throws {
    // "é" is two bytes; the bad quote is the 4th character of line 2.
    XCTAssertEqual(
      error("a,b\né,x\"\n"),
      "t.csv:2:4: a quote inside an unquoted field (quote the whole field and double the quote)")
  }
}
