// libFuzzer target for the CSV reader and dataset loader (`make fuzz`). Built with
// -sanitize=fuzzer,address -DFUZZING; without FUZZING it is a replay tool that runs the same
// check on the files named on its command line (to reproduce a crash from a saved input).
import Foundation
import ScalingLaws

func fuzzCSV(_ bytes: [UInt8]) {
  guard let doc = try? CSVDocument(bytes: bytes, name: "fuzz.csv") else { return }
  var options = LoadOptions()
  options.tokensPerStep = 2048
  for required: Set<Quantity> in [[.loss], [.params, .tokens, .loss]] {
    if let sets = try? DatasetLoader(options: options, required: required).load(doc) {
      for d in sets {
        precondition(d.loss.count == d.lines.count, "columns out of step")
        precondition(d.loss.allSatisfy { !$0.isNaN || required == [.loss] }, "NaN loss accepted")
      }
    }
  }
  var filtered = LoadOptions()
  filtered.finalOnly = true
  filtered.minStep = 1
  _ = try? DatasetLoader(options: filtered, required: [.loss]).load(doc)
}

#if FUZZING
  // libFuzzer's driver, entered from our own main (SwiftPM names the executable's entry point,
  // so libFuzzer's main cannot be used). It has no header to import; this is its C signature.
  @_silgen_name("LLVMFuzzerRunDriver")
  func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  @main
  struct FuzzMain {
    static func main() {
      var argc = CommandLine.argc
      var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
      let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzCSV(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
      }
      exit(status)
    }
  }
#else
  @main
  struct ReplayCSV {
    static func main() throws {
      for path in CommandLine.arguments.dropFirst() {
        fuzzCSV([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        print("ok \(path)")
      }
    }
  }
#endif
