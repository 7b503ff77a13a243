// libFuzzer target for the CSV reader and dataset loader (`make fuzz`). Built with
// -sanitize=fuzzer,address -DFUZZING; without FUZZING it is a replay tool that runs the same
// check on the files named on its command line (to reproduce a crash from a saved input).
import Foundation
import FuzzSupport
import ScalingLaws

func fuzzCSV(_ bytes: [UInt8]) {
  guard let doc = try? CSVDocument(bytes: bytes, name: "fuzz.csv") else { return }
  var options = LoadOptions()
  options.tokensPerStep = 2048
  for required: Set<Quantity> in [[.loss], [.params, .tokens, .loss]] {
    let sets: [Dataset]
    do {
      sets = try DatasetLoader(options: options, required: required).load(doc)
    } catch {
      let message = "\(error)"
      precondition(!message.isEmpty && !message.contains("\n"), "an error the CLI cannot print as one line: \(message)")
      continue
    }
    for d in sets {
      precondition(d.loss.count == d.lines.count, "columns out of step")
      precondition(d.loss.allSatisfy { !$0.isNaN || required == [.loss] }, "NaN loss accepted")
      if required.contains(.params) {
        // Accepted rows of a fit: positive, finite N, D and loss (no ±Inf, no zeros).
        for v in d.params + d.tokens + d.loss {
          precondition(v > 0 && v.isFinite, "accepted a non-positive or non-finite value \(v)")
        }
      }
    }
  }
  var filtered = LoadOptions()
  filtered.finalOnly = true
  filtered.minStep = 1
  _ = try? DatasetLoader(options: filtered, required: [.loss]).load(doc)
}

@main
struct FuzzCSVMain {
  static func main() throws { try fuzzOrReplay(fuzzCSV) }
}
