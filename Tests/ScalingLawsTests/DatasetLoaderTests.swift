import XCTest
@testable import ScalingLaws

final class DatasetLoaderTests: XCTestCase {
  let chinchilla: Set<Quantity> = [.params, .tokens, .loss]

  func load(
    _ text: String, _ options: LoadOptions = LoadOptions(), required: Set<Quantity>? = nil
  ) throws -> [Dataset] {
    let doc = try CSVDocument(bytes: Array(text.utf8), name: "d.csv")
    return try DatasetLoader(options: options, required: required ?? chinchilla).load(doc)
  }

  func error(_ text: String, _ options: LoadOptions = LoadOptions(), required: Set<Quantity>? = nil)
    -> String
  {
    do {
      _ = try load(text, options, required: required)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  /// A quoted field may hold a line break; the error quoting it stays one line (found by fuzz-csv).
  func testErrorsQuotingALineBreakStayOneLine() {
    XCTAssertEqual(
      error("N,D,loss\n\"1\n2\",1e9,3.0\n"),
      "d.csv:2:1: column 'N': '1\\n2' is not a number")
    XCTAssertEqual(
      error("N,D,loss\n\"1\r\n2\",1e9,3.0\n"),
      "d.csv:2:1: column 'N': '1\\r\\n2' is not a number")
  }

  func testQuotedHeaderNamesAndSuffixes() throws {
    var o = LoadOptions()
    o.columns[.tokens] = "training tokens, seen"
    o.columns[.loss] = "loss \"final\""
    let d = try DatasetLoader(options: o, required: chinchilla).load(path: fixture("quoted.csv"))[0]
    XCTAssertEqual(d.params, [70e6, 1e9, 410e6])
    XCTAssertEqual(d.tokens, [1.4e9, 2e10, 300e9])
    XCTAssertEqual(d.loss, [3.5, 2.9, 2.5])
    XCTAssertEqual(d.lines, [2, 3, 5])
    XCTAssertEqual(d.sources[.params], "model size")
    XCTAssertEqual(d.flops, [6 * 70e6 * 1.4e9, 6 * 1e9 * 2e10, 6 * 410e6 * 300e9])
    XCTAssertEqual(d.derivations, ["C = 6ND (no flops column)"])
  }

  func testBOMAndCRLFFileLoads() throws {
    let d = try DatasetLoader(options: LoadOptions(), required: chinchilla).load(path: fixture("bom_crlf.csv"))[0]
    XCTAssertEqual(d.params, [1e8, 2e8])
    XCTAssertEqual(d.loss, [3.1, 2.9])
  }

  func testTokensDerivedFromFlops() throws {
    let d = try load("params,flops,loss\n1e9,6e19,2.5\n")[0]
    XCTAssertEqual(d.tokens[0], 1e10, accuracy: 1)
    XCTAssertEqual(d.derivations, ["D = C / (6N) (no tokens column)"])
  }

  func testTokensDerivedFromSteps() throws {
    var o = LoadOptions()
    o.tokensPerStep = 2_097_152
    o.minStep = 1
    let d = try load("params,step,loss\n1e9,0,9\n1e9,1000,3\n", o)[0]
    XCTAssertEqual(d.tokens, [2_097_152_000])
    XCTAssertEqual(d.filters, [FilterReport(filter: "min_step 1", removed: 1)])
  }

  func testStepZeroWithoutFilterIsAnError() {
    var o = LoadOptions()
    o.tokensPerStep = 2_097_152
    XCTAssertEqual(
      error("params,step,loss\n1e9,0,9\n1e9,1000,3\n", o),
      "d.csv:2: step 0 gives D = 0 tokens, which is not positive (drop it with min_step 1)")
  }

  func testFiltersReportWhatTheyRemoved() throws {
    var o = LoadOptions()
    o.excludeRuns = ["b"]
    o.finalOnly = true
    o.maxParams = 5e8
    let text = "run,params,tokens,step,loss\na,1e8,1e9,1,4\na,1e8,2e9,2,3\nb,2e8,1e9,1,4\nc,1e9,1e9,1,3\n"
    let d = try load(text, o)[0]
    XCTAssertEqual(d.loss, [3])
    XCTAssertEqual(
      d.filters,
      [
        FilterReport(filter: "exclude_run b", removed: 1),
        FilterReport(filter: "final_only", removed: 1),
        FilterReport(filter: "max_params 500000000", removed: 1),
      ])
  }

  func testGroups() throws {
    var o = LoadOptions()
    o.columns[.group] = "set"
    let ds = try load("set,N,D,loss\nx,1,2,3\ny,1,2,3\nx,2,3,4\n", o)
    XCTAssertEqual(ds.map { $0.group }, ["x", "y"])
    XCTAssertEqual(ds.map { $0.count }, [2, 1])
  }

  func testBadInputMessages() {
    XCTAssertEqual(error(""), "d.csv: file is empty")
    XCTAssertEqual(error("\n\n"), "d.csv: file is empty")
    XCTAssertEqual(error("N,D,loss\n"), "d.csv: no data rows after the header")
    XCTAssertEqual(
      error("N,D,perplexity\n1,2,3\n"),
      "d.csv:1: no loss column (looked for 'loss', 'val_loss', 'eval_loss', 'validation_loss', 'valid_loss', 'test_loss'); name it with loss_column"
    )
    var o = LoadOptions()
    o.columns[.loss] = "lossy"
    XCTAssertEqual(
      error("N,D,loss\n1,2,3\n", o),
      "d.csv:1: loss_column 'lossy': no such column; the header has 'N', 'D', 'loss'")
    XCTAssertEqual(error("N,D,loss,D\n1,2,3,4\n"), "d.csv:1:10: duplicate column name 'D' (also column 2)")
    XCTAssertEqual(error("N,D,loss\n1,2\n"), "d.csv:2: row has 2 fields but the header has 3")
    XCTAssertEqual(error("N,D,loss\n1,2,3,4\n"), "d.csv:2:7: row has 4 fields but the header has 3")
    XCTAssertEqual(error("N,D,loss\n1,2,abc\n"), "d.csv:2:5: column 'loss': 'abc' is not a number")
    XCTAssertEqual(error("N,D,loss\n1,2,nan\n"), "d.csv:2:5: column 'loss': NaN is not allowed")
    XCTAssertEqual(error("N,D,loss\n1,inf,3\n"), "d.csv:2:3: column 'D': 'inf' is infinite")
    XCTAssertEqual(error("N,D,loss\n1e400,2,3\n"), "d.csv:2:1: column 'N': '1e400' overflows a double")
    XCTAssertEqual(error("N,D,loss\n1,,3\n"), "d.csv:2:3: column 'D': empty value (a number is required)")
    XCTAssertEqual(error("N,D,loss\n0,2,3\n"), "d.csv:2:1: column 'N': 0 is not positive")
    XCTAssertEqual(error("N,D,loss\n1,-2,3\n"), "d.csv:2:3: column 'D': -2 is not positive")
    XCTAssertEqual(error("N,D,loss\n1,2,0\n"), "d.csv:2:5: column 'loss': 0 is not positive")
    XCTAssertEqual(
      error("N,loss\n1,2\n"),
      "d.csv:1: no tokens column (looked for 'tokens', 'd', 'training tokens', 'training_tokens', 'n_tokens', 'num_tokens'; set tokens_column)"
    )
  }

  func testUnusedColumnsAreNotValidated() throws {
    // train_loss holds NaN at step 0 in Pythia-like files; it is not read.
    let d = try load("N,D,train_loss,loss\n1,2,nan,3\n")[0]
    XCTAssertEqual(d.loss, [3])
  }
}
