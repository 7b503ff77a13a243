// libFuzzer target for fit files as `predict` and `plan --law FILE` read them (`make fuzz`):
// any bytes either are refused with a one-line error, or give a law whose answers are finite.
// Built with -sanitize=fuzzer,address -DFUZZING; without FUZZING it replays saved inputs.
import Foundation
import FuzzSupport
import ScalingLaws

func oneLine(_ error: Error) {
  let message = "\(error)"
  precondition(!message.isEmpty && !message.contains("\n"), "an error the CLI cannot print as one line: \(message)")
}

func fuzzFitFile(_ bytes: [UInt8]) {
  let data = Data(bytes)
  // predict: a fit whose parameters passed the domain check predicts finite losses at a sensible
  // point for the laws of N and D.
  do {
    let f = try FitFile(data: data, path: "fuzz.json", group: nil)
    if f.kind == .chinchilla {
      let l = f.law.predict(f.parameters, params: 1e9, tokens: 2e10, flops: 1.2e20)
      precondition(l.isFinite && l > 0, "a validated chinchilla fit predicts \(l)")
    }
  } catch {
    oneLine(error)
  }
  // plan: the law's allocation at 1e21 FLOPs has a finite, positive N and D (and a finite loss
  // when the law has one).
  do {
    let law = try PlanningLaw.fromFitData(data, path: "fuzz.json", group: nil)
    // A fitted formula law may have no compute-optimal split at a budget: the request refuses
    // that answer by name (a one-line error), never prints it.
    let a: Allocation
    if case .fitted = law {
      a = try PlanRequest(budget: .flops(1e21)).answers(Planner(law: law))[0]
    } else {
      a = Planner(law: law).allocation(flops: 1e21)
    }
    precondition(a.params.isFinite && a.params > 0 && a.tokens.isFinite && a.tokens > 0, "allocation N \(a.params), D \(a.tokens)")
    if case .chinchilla = law { precondition(a.loss.isFinite, "chinchilla loss \(a.loss)") }
    for (k, iv) in a.intervals { precondition(!iv.0.isNaN && !iv.1.isNaN, "interval \(k) \(iv)") }
  } catch {
    oneLine(error)
  }
}

@main
struct FuzzFitFileMain {
  static func main() throws { try fuzzOrReplay(fuzzFitFile) }
}
