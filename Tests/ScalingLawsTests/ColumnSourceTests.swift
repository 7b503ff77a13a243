import XCTest

@testable import ScalingLaws

/// ``ColumnSource`` and ``LawName``: the typed forms of what fit files spell as text, written and
/// read back by one type each.
final class ColumnSourceTests: XCTestCase {
  func testEverySourceReadsBackAsItself() {
    let sources: [ColumnSource] = [
      .header("params_total"), .header("run,seed"), .stepTimesBatch(tokensPerStep: 2_097_152), .stepTimesBatch(tokensPerStep: 1024),
      .sixND, .flopsOverSixN, .logCompute, .computeRule("6*(N + V*W)*D"),
    ]
    for s in sources { XCTAssertEqual(ColumnSource(recorded: s.description), s, s.description) }
    XCTAssertEqual(ColumnSource.stepTimesBatch(tokensPerStep: 2_097_152).description, "step x 2097152")
    XCTAssertEqual(ColumnSource(recorded: "step x many"), .header("step x many"), "not a number: a column name")
    XCTAssertNil(ColumnSource.sixND.header)
    XCTAssertEqual(ColumnSource.computeRule("8*N*D").description, "rule 8*N*D")
    XCTAssertEqual(ColumnSource.header("loss").header, "loss")
  }

  func testTheLoaderRecordsDerivationsTyped() throws {
    let doc = try CSVDocument(bytes: Array("step,params,loss\n10,1e8,3.0\n20,1e8,2.9\n".utf8), name: "t.csv")
    var o = LoadOptions()
    o.tokensPerStep = 4096
    let d = try DatasetLoader(options: o, required: [.params, .tokens, .loss]).load(doc)[0]
    XCTAssertEqual(d.sources[.tokens], .stepTimesBatch(tokensPerStep: 4096))
    XCTAssertEqual(d.sources[.flops], .sixND)
    XCTAssertEqual(d.sources[.params], .header("params"))
    XCTAssertEqual(d.columnName(.tokens), "step x 4096")
  }

  /// A law's compute rule where it is not 6ND: C from it for a file without flops, D from C by
  /// it for a file without tokens, each recorded as the rule.
  func testTheLoaderAppliesALawsComputeRule() throws {
    var o = LoadOptions()
    o.inputs = ["V": "vocab"]
    o.flopsRule = try XCTUnwrap(ComputeRule("6*(N + V*1000)*D").flopsRule)
    XCTAssertNil(ComputeRule.standard.flopsRule)
    let withTokens = try CSVDocument(bytes: Array("params,tokens,vocab,loss\n1e8,2e9,32000,3.0\n".utf8), name: "t.csv")
    let a = try DatasetLoader(options: o, required: [.params, .tokens, .flops, .loss]).load(withTokens)[0]
    XCTAssertEqual(a.flops[0], 6 * (1e8 + 32000 * 1000) * 2e9, accuracy: 1e6)
    XCTAssertEqual(a.sources[.flops], .computeRule("6*(N + V*1000)*D"))
    let withFlops = try CSVDocument(bytes: Array("params,flops,vocab,loss\n1e8,1.584e18,32000,3.0\n".utf8), name: "t.csv")
    let b = try DatasetLoader(options: o, required: [.params, .tokens, .flops, .loss]).load(withFlops)[0]
    XCTAssertEqual(b.tokens[0], 1.584e18 / (6 * (1e8 + 32000 * 1000)), accuracy: 1)
    XCTAssertEqual(b.sources[.tokens], .computeRule("6*(N + V*1000)*D"))
  }

  func testLawNamesRoundTrip() {
    for kind in LawKind.allCases {
      for irreducible in [false, true] {
        let name = LawName(kind, irreducible: irreducible)
        XCTAssertEqual(LawName(name.description), name)
      }
    }
    XCTAssertEqual(LawName("kaplan-n+E"), LawName(.kaplanN, irreducible: true))
    XCTAssertEqual(LawName("chinchilla")?.kind, .chinchilla)
    XCTAssertNil(LawName("chinchila"))
    XCTAssertNil(LawName("+E"))
  }
}
