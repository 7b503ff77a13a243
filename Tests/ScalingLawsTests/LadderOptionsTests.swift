import XCTest
@testable import ScalingLaws

/// What each ladder option does to the data the steps see (issue 27).
final class LadderOptionsTests: XCTestCase {
  /// Two runs of five checkpoints: x falls, y rises; run b has noise on y.
  var data: Dataset {
    var d = Dataset(
      file: "t.csv", params: Array(repeating: 1e8, count: 5) + Array(repeating: 2e8, count: 5),
      tokens: (1...10).map { Double($0) * 1e9 }, flops: (1...10).map { Double($0) * 6e17 },
      loss: [0.30, 0.32, 0.34, 0.36, 0.38, 0.40, 0.44, 0.42, 0.46, 0.44],
      step: [1, 2, 3, 4, 5, 1, 2, 3, 4, 5], run: Array(repeating: "a", count: 5) + Array(repeating: "b", count: 5))
    d.x = [2.0, 1.9, 1.8, 1.7, 1.6, 1.8, 1.7, 1.6, 1.5, 1.4]
    return d
  }

  func testSkipDropsEachRunsFirstFraction() throws {
    var o = LadderOptions()
    o.anchors = []
    o.step2SkipFraction = 0.5
    let d = try o.step2Data(data)
    // Steps below 0.5 × 5 = 2.5 go: steps 1 and 2 of each run.
    XCTAssertEqual(d.step, [3, 4, 5, 3, 4, 5])
    XCTAssertEqual(d.filters.last, FilterReport(filter: "step 2 skips each run's first 50%", removed: 4))
  }

  func testSmoothingIsACentredMovingAverageWithinEachRun() throws {
    var o = LadderOptions()
    o.anchors = []
    o.step2Smooth = 3
    let d = try o.step2Data(data)
    XCTAssertEqual(d.loss[0], (0.30 + 0.32) / 2, accuracy: 1e-15)  // truncated at the run's start
    XCTAssertEqual(d.loss[6], (0.40 + 0.44 + 0.42) / 3, accuracy: 1e-15)
    XCTAssertEqual(d.loss[9], (0.46 + 0.44) / 2, accuracy: 1e-15)  // never across runs
    XCTAssertEqual(d.x![5], (1.8 + 1.7) / 2, accuracy: 1e-15)
  }

  func testAnAnchorWeighsOneRunAndIsPinned() throws {
    let o = LadderOptions()
    XCTAssertEqual(o.resolvedAnchors(data), [LadderOptions.Anchor(x: 0, y: 1)])
    var resolved = o
    resolved.anchors = o.resolvedAnchors(data)
    let d = try resolved.step2Data(data)
    // Ten rows in two runs: five copies of (0, 1), pinned (in every resample), never held out.
    XCTAssertEqual(d.count, 15)
    XCTAssertEqual(Array(d.x!.suffix(5)), Array(repeating: 0, count: 5))
    XCTAssertEqual(Array(d.loss.suffix(5)), Array(repeating: 1, count: 5))
    XCTAssertEqual(d.pinned, Array(repeating: false, count: 10) + Array(repeating: true, count: 5))
    XCTAssertFalse(HoldoutCriterion.paramsAbove(1.5e8).isHeldOut(d, 14))
    // No default anchor for a metric outside [0, 1] or a negative task loss.
    var wide = data
    wide.loss[0] = 1.5
    XCTAssertEqual(o.resolvedAnchors(wide), [])
    var negative = data
    negative.x![0] = -0.1
    XCTAssertEqual(o.resolvedAnchors(negative), [])
  }

  func testStepOneAveragesEachRunsLastEvaluations() throws {
    var o = LadderOptions()
    o.step1AverageLast = 2
    var d = data
    d.loss = [3.0, 2.9, 2.8, 2.7, 2.6, 2.8, 2.7, 2.6, 2.5, 2.4]
    let s = try o.step1Data(d)
    XCTAssertEqual(s.step, [5, 5])
    XCTAssertEqual(s.loss[0], 2.65, accuracy: 1e-15)
    XCTAssertEqual(s.loss[1], 2.45, accuracy: 1e-15)
    var noRuns = d
    noRuns.run = nil
    XCTAssertThrowsError(try o.step1Data(noRuns))
  }

  func testChanceLevelsByTaskOrColumn() {
    XCTAssertEqual(ChanceLevels.chance(task: "hellaswag"), 0.25)
    XCTAssertEqual(ChanceLevels.chance(task: "winogrande_acc"), 0.5)
    XCTAssertEqual(ChanceLevels.chance(task: "arc_challenge_acc"), 0.25)
    XCTAssertEqual(ChanceLevels.chance(task: "boolq"), 0.622)
    XCTAssertNil(ChanceLevels.chance(task: "acc"))
  }

  func testNormalQuantile() {
    XCTAssertEqual(normalQuantile(0.975), 1.959963984540054, accuracy: 1e-8)
    XCTAssertEqual(normalQuantile(0.5), 0, accuracy: 1e-15)
    XCTAssertEqual(normalQuantile(0.01), -2.326347874040841, accuracy: 1e-8)
    XCTAssertEqual(normalQuantile(0.999), 3.090232306167814, accuracy: 1e-8)
  }
}
