// libFuzzer target for the fitter on parsed data (`make fuzz`): the input bytes become a small
// dataset (sizes, tokens and losses spread over realistic and degenerate ranges) and a law.
// Every fit must return a result without NaN in its parameters, or throw a clear error.
import Foundation
import ScalingLaws

func fuzzFit(_ bytes: [UInt8]) {
  guard bytes.count >= 4 else { return }
  let laws: [LawKind] = [.chinchilla, .kaplanN, .kaplanD, .kaplanC, .kaplanND]
  var options = FitOptions()
  options.law = laws[Int(bytes[0]) % laws.count]
  options.irreducible = bytes[1] & 1 == 1 && [.kaplanN, .kaplanD, .kaplanC].contains(options.law)
  options.loss = bytes[1] & 2 == 2 ? .squared : .huber(delta: 1e-3)
  var N = [Double](), D = [Double](), L = [Double]()
  var i = 2
  while i + 2 < bytes.count && N.count < 48 {
    N.append(pow(10, 3 + Double(bytes[i]) / 255 * 9))
    D.append(pow(10, 5 + Double(bytes[i + 1]) / 255 * 9))
    L.append(0.01 + Double(bytes[i + 2]) / 255 * 10)
    i += 3
  }
  let d = Dataset(file: "fuzz", params: N, tokens: D, flops: zip(N, D).map { 6 * $0 * $1 }, loss: L)
  guard let fit = try? LawFitter(options: options).fit(d) else { return }
  precondition(fit.parameters.allSatisfy { !$0.isNaN }, "NaN parameter in a returned fit")
  precondition(!fit.objective.isNaN, "NaN objective")
  _ = LawFit.jsonDocument([fit])
  _ = fit.textReport
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
        fuzzFit(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
      }
      exit(status)
    }
  }
#else
  @main
  struct ReplayFit {
    static func main() throws {
      for path in CommandLine.arguments.dropFirst() {
        fuzzFit([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        print("ok \(path)")
      }
    }
  }
#endif
