// libFuzzer target for the fitter on parsed data (`make fuzz`): the input bytes become a small
// dataset (sizes, tokens and losses spread over realistic and degenerate ranges) and a law.
// Every fit must return a result without NaN in its parameters, with JSON that parses and text
// and CSV that print no non-finite number, or throw an error whose message is one non-empty line
// (what the CLI prints).
import Foundation
import FuzzSupport
import ScalingLaws

func fuzzFit(_ bytes: [UInt8]) {
  guard bytes.count >= 4 else { return }
  let laws = LawKind.allCases
  var options = FitOptions()
  options.law = laws[Int(bytes[0]) % laws.count]
  options.irreducible = bytes[1] & 1 == 1 && [.kaplanN, .kaplanD, .kaplanC].contains(options.law)
  options.loss = bytes[1] & 2 == 2 ? .squared : .huber(delta: 1e-3)
  // Hold one parameter at a byte-chosen value (any law; bad values must be one-line errors).
  if bytes[1] & 4 == 4 {
    let names = options.makeLaw().parameterNames
    options.fixed = [names[Int(bytes[3]) % names.count]: Double(bytes[3]) / 255 * 4 - 1]
  }
  if options.law == .sigmoid { options.yRange = bytes[1] & 8 == 8 ? .none : .auto }
  var N = [Double](), D = [Double](), L = [Double](), S = [Double]()
  var i = 2
  while i + 2 < bytes.count && N.count < 48 {
    N.append(pow(10, 3 + Double(bytes[i]) / 255 * 9))
    D.append(pow(10, 5 + Double(bytes[i + 1]) / 255 * 9))
    L.append(0.01 + Double(bytes[i + 2]) / 255 * 10)
    S.append(1 + Double(bytes[i + 1]))
    i += 3
  }
  let fit: LawFit
  do {
    let d: Dataset
    if options.law.modelsSchedule {
      // Curves through the loader: three runs (one size for the single-size laws), steps rising
      // by the byte values (repeats and zeros give the loader's errors), an lr column interpolated.
      var csv = "run,params,step,tokens,lr,loss\n"
      var step = [0.0, 0, 0]
      for k in 0..<N.count {
        let r = k % 3
        step[r] += S[k] - 1
        let n = options.law.isSingleSize ? 1e8 : [1e7, 1e8, 1e9][r]
        csv += "r\(r),\(n),\(Int(step[r])),\(Int(step[r]) * 1000),\(Double(bytes[2 + 3 * k]) / 255 * 1e-3),\(L[k])\n"
      }
      var load = LoadOptions()
      load.schedule = ScheduleOptions()
      d = try DatasetLoader(options: load, required: options.makeLaw().required).load(CSVDocument(bytes: Array(csv.utf8), name: "fuzz.csv"))[0]
    } else if options.law == .sigmoid {
      // A metric y in about [-0.1, 1.1] (outside [0, 1] gives the range error) against x = L.
      var m = Dataset(file: "fuzz", params: N, tokens: D, flops: zip(N, D).map { 6 * $0 * $1 }, loss: D.map { (log10($0) - 5) / 9 * 1.2 - 0.1 })
      m.x = L
      d = m
    } else {
      d = Dataset(file: "fuzz", params: N, tokens: D, flops: zip(N, D).map { 6 * $0 * $1 }, loss: L, step: S)
    }
    var data = d
    // ±Inf or NaN in one value (a dataset built in code, past the loader's checks): a clear error.
    if bytes[1] & 16 == 16, data.count > 0 {
      let bad = [Double.infinity, -.infinity, .nan][Int(bytes[2]) % 3]
      switch Int(bytes[3]) % 3 {
      case 0: data.loss[0] = bad
      case 1: data.params[0] = bad
      default: data.tokens[0] = bad
      }
    }
    fit = try LawFitter(options: options).fit(data)
  } catch {
    let message = "\(error)"
    precondition(!message.isEmpty && !message.contains("\n"), "an error the CLI cannot print as one line: \(message)")
    return
  }
  precondition(fit.parameters.allSatisfy { !$0.isNaN }, "NaN parameter in a returned fit")
  precondition(!fit.objective.isNaN, "NaN objective")
  let json = LawFit.jsonDocument([fit])
  precondition((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil, "fit JSON does not parse")
  // What `fit` prints never holds a non-finite number (issue 34): undefined values are n/a.
  let text = fit.textReport
  precondition(!printsNonFinite(text), "a non-finite number in the fit's text: \(text)")
  precondition(!printsNonFinite(LawFit.csvDocument([fit])), "a non-finite number in the fit's CSV")
  // `predict` of the fit file on its own points: the text and CSV print no non-finite number
  // either (a fit file `predict` refuses, one that did not converge, is a one-line error).
  do {
    let file = try FitFile(data: Data(json.utf8), path: "fuzz.json", group: nil)
    let prediction = Prediction(fit: file, dataset: fit.dataset, hasLoss: true)
    precondition(!printsNonFinite(prediction.text), "a non-finite number in predict's text: \(prediction.text)")
    precondition(!printsNonFinite(Prediction.csvDocument([prediction])), "a non-finite number in predict's CSV")
  } catch {
    let message = "\(error)"
    precondition(!message.isEmpty && !message.contains("\n"), "a fit-file error the CLI cannot print as one line: \(message)")
  }
}

@main
struct FuzzFitMain {
  static func main() throws { try fuzzOrReplay(fuzzFit) }
}
