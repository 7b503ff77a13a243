// libFuzzer target for the report's YAML config (`make fuzz`): any bytes either become the
// command line the config stands for or are refused with a one-line error, within the memory
// and time libFuzzer is given (`-rss_limit_mb`, `-timeout` in the Makefile: an alias bomb must
// be refused, not expanded). Built with -sanitize=fuzzer,address -DFUZZING; without FUZZING it
// replays saved inputs.
import AnalysisConfig
import Foundation
import FuzzSupport

func fuzzConfig(_ bytes: [UInt8]) {
  let text = String(decoding: bytes, as: UTF8.self)
  do {
    let args = try AnalysisConfig.arguments(fromText: text, path: "fuzz.yaml")
    // Every flag the config produces is one of the command line's (--name), followed by values.
    if let first = args.first(where: { $0.hasPrefix("--") }) {
      precondition(first.count > 2, "an empty flag from \(text)")
    }
  } catch let e as ConfigError {
    precondition(!e.message.isEmpty && !e.message.contains("\n"), "an error the CLI cannot print as one line: \(e.message)")
  } catch {
    preconditionFailure("a config error of another type: \(error)")
  }
}

@main
struct FuzzConfigMain {
  static func main() throws { try fuzzOrReplay(fuzzConfig) }
}
