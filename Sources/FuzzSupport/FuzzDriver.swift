// The glue shared by the fuzz targets: libFuzzer's driver under -DFUZZING, and a replay tool
// (run the same check on saved inputs) otherwise.
import Foundation

/// The check being fuzzed; libFuzzer's C callback cannot capture, so it reads this.
nonisolated(unsafe) private var fuzzBody: (([UInt8]) -> Void)? = nil

#if FUZZING
  // libFuzzer's driver, entered from our own main (SwiftPM names the executable's entry point,
  // so libFuzzer's main cannot be used). It has no header to import; this is its C signature.
  @_silgen_name("LLVMFuzzerRunDriver")
  func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt
#endif

/// Under -DFUZZING: hands `body` to libFuzzer with the process's arguments and exits with its
/// status. Otherwise: runs `body` on every file named on the command line.
public func fuzzOrReplay(_ body: @escaping ([UInt8]) -> Void) throws {
  #if FUZZING
    fuzzBody = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
      fuzzBody?(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
      return 0
    }
    exit(status)
  #else
    for path in CommandLine.arguments.dropFirst() {
      body([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
      print("ok \(path)")
    }
  #endif
}
