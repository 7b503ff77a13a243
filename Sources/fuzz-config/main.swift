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
    let parsed = try AnalysisConfig.parse(fromText: text, path: "fuzz.yaml")
    // A value is never read as a flag: every option is one `--name=value` token (or one of the
    // valueless flags), a file never starts with '-', and every flag has the key it came from.
    let valueless: Set<String> = ["--final-only", "--irreducible", "--no-auto"]
    for arg in parsed.arguments {
      if arg.hasPrefix("--") {
        let name = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
        precondition(name.count > 2, "an empty flag from \(text)")
        precondition(arg.contains("=") || valueless.contains(arg), "a flag without its value: \(arg) from \(text)")
        precondition(parsed.origins[name] != nil, "a flag with no config key: \(name) from \(text)")
      } else {
        precondition(!arg.hasPrefix("-"), "a positional that reads as a flag: \(arg) from \(text)")
      }
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
