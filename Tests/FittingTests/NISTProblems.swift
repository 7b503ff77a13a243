import LinearAlgebra

/// NIST StRD nonlinear regression problems (https://www.itl.nist.gov/div898/strd/nls/nls_main.shtml;
/// data, starting values and certified values as published by NIST, public domain), with
/// analytic Jacobians.
struct NISTProblem {
  let name: String
  let difficulty: String
  let x: [Double]
  let y: [Double]
  let starts: [[Double]]
  let certified: [Double]
  let certifiedStandardErrors: [Double]
  let certifiedRSS: Double
  /// f(x; b) and ∂f/∂b.
  let model: @Sendable (Double, [Double]) -> (Double, [Double])
}

import Foundation

extension NISTProblem {
  static let misra1a = NISTProblem(
    name: "Misra1a", difficulty: "lower",
    x: [77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0],
    y: [10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05, 61.01, 66.40, 75.47, 81.78],
    starts: [[500, 1e-4], [250, 5e-4]],
    certified: [2.3894212918E+02, 5.5015643181E-04],
    certifiedStandardErrors: [2.7070075241E+00, 7.2668688436E-06],
    certifiedRSS: 1.2455138894E-01,
    model: { x, b in
      let e = exp(-b[1] * x)
      return (b[0] * (1 - e), [1 - e, b[0] * x * e])
    })

  static let danWood = NISTProblem(
    name: "DanWood", difficulty: "lower",
    x: [1.309, 1.471, 1.490, 1.565, 1.611, 1.680],
    y: [2.138, 3.421, 3.597, 4.340, 4.882, 5.660],
    starts: [[1, 5], [0.7, 4]],
    certified: [7.6886226176E-01, 3.8604055871E+00],
    certifiedStandardErrors: [1.8281973860E-02, 5.1726610913E-02],
    certifiedRSS: 4.3173084083E-03,
    model: { x, b in
      let p = pow(x, b[1])
      return (b[0] * p, [p, b[0] * p * log(x)])
    })

  static let mgh09 = NISTProblem(
    name: "MGH09", difficulty: "higher",
    x: [4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625],
    y: [0.1957, 0.1947, 0.1735, 0.16, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246],
    starts: [[25, 39, 41.5, 39], [0.25, 0.39, 0.415, 0.39]],
    certified: [1.9280693458E-01, 1.9128232873E-01, 1.2305650693E-01, 1.3606233068E-01],
    certifiedStandardErrors: [1.1435312227E-02, 1.9633220911E-01, 8.0842031232E-02, 9.0025542308E-02],
    certifiedRSS: 3.0750560385E-04,
    model: { x, b in
      let num = x * x + x * b[1]
      let den = x * x + x * b[2] + b[3]
      let f = b[0] * num / den
      return (f, [num / den, b[0] * x / den, -f * x / den, -f / den])
    })

  static let thurber = NISTProblem(
    name: "Thurber", difficulty: "higher",
    x: [
      -3.067, -2.981, -2.921, -2.912, -2.840, -2.797, -2.702, -2.699, -2.633, -2.481, -2.363, -2.322,
      -1.501, -1.460, -1.274, -1.212, -1.100, -1.046, -0.915, -0.714, -0.566, -0.545, -0.400, -0.309,
      -0.109, -0.103, 0.010, 0.119, 0.377, 0.790, 0.963, 1.006, 1.115, 1.572, 1.841, 2.047, 2.200,
    ],
    y: [
      80.574, 84.248, 87.264, 87.195, 89.076, 89.608, 89.868, 90.101, 92.405, 95.854, 100.696, 101.060,
      401.672, 390.724, 567.534, 635.316, 733.054, 759.087, 894.206, 990.785, 1090.109, 1080.914,
      1122.643, 1178.351, 1260.531, 1273.514, 1288.339, 1327.543, 1353.863, 1414.509, 1425.208,
      1421.384, 1442.962, 1464.350, 1468.705, 1447.894, 1457.628,
    ],
    starts: [[1000, 1000, 400, 40, 0.7, 0.3, 0.03], [1300, 1500, 500, 75, 1, 0.4, 0.05]],
    certified: [
      1.2881396800E+03, 1.4910792535E+03, 5.8323836877E+02, 7.5416644291E+01, 9.6629502864E-01,
      3.9797285797E-01, 4.9727297349E-02,
    ],
    certifiedStandardErrors: [
      4.6647963344E+00, 3.9571156086E+01, 2.8698696102E+01, 5.5675370270E+00, 3.1333340687E-02,
      1.4984928198E-02, 6.5842344623E-03,
    ],
    certifiedRSS: 5.6427082397E+03,
    model: { x, b in
      let x2 = x * x, x3 = x2 * x
      let num = b[0] + b[1] * x + b[2] * x2 + b[3] * x3
      let den = 1 + b[4] * x + b[5] * x2 + b[6] * x3
      let f = num / den
      return (f, [1 / den, x / den, x2 / den, x3 / den, -f * x / den, -f * x2 / den, -f * x3 / den])
    })

  static let eckerle4 = NISTProblem(
    name: "Eckerle4", difficulty: "higher",
    x: [
      400.0, 405.0, 410.0, 415.0, 420.0, 425.0, 430.0, 435.0, 436.5, 438.0, 439.5, 441.0, 442.5, 444.0,
      445.5, 447.0, 448.5, 450.0, 451.5, 453.0, 454.5, 456.0, 457.5, 459.0, 460.5, 462.0, 463.5, 465.0,
      470.0, 475.0, 480.0, 485.0, 490.0, 495.0, 500.0,
    ],
    y: [
      0.0001575, 0.0001699, 0.0002350, 0.0003102, 0.0004917, 0.0008710, 0.0017418, 0.0046400,
      0.0065895, 0.0097302, 0.0149002, 0.0237310, 0.0401683, 0.0712559, 0.1264458, 0.2073413,
      0.2902366, 0.3445623, 0.3698049, 0.3668534, 0.3106727, 0.2078154, 0.1164354, 0.0616764,
      0.0337200, 0.0194023, 0.0117831, 0.0074357, 0.0022732, 0.0008800, 0.0004579, 0.0002345,
      0.0001586, 0.0001143, 0.0000710,
    ],
    starts: [[1, 10, 500], [1.5, 5, 450]],
    certified: [1.5543827178E+00, 4.0888321754E+00, 4.5154121844E+02],
    certifiedStandardErrors: [1.5408051163E-02, 4.6803020753E-02, 4.6800518816E-02],
    certifiedRSS: 1.4635887487E-03,
    model: { x, b in
      let z = (x - b[2]) / b[1]
      let g = exp(-0.5 * z * z)
      let f = b[0] / b[1] * g
      return (f, [g / b[1], -f / b[1] + f * z * z / b[1], f * z / b[1]])
    })

  static let rat42 = NISTProblem(
    name: "Rat42", difficulty: "higher",
    x: [9.0, 14.0, 21.0, 28.0, 42.0, 57.0, 63.0, 70.0, 79.0],
    y: [8.930, 10.800, 18.590, 22.330, 39.350, 56.110, 61.730, 64.620, 67.080],
    starts: [[100, 1, 0.1], [75, 2.5, 0.07]],
    certified: [7.2462237576E+01, 2.6180768402E+00, 6.7359200066E-02],
    certifiedStandardErrors: [1.7340283401E+00, 8.8295217536E-02, 3.4465663377E-03],
    certifiedRSS: 8.0565229338E+00,
    model: { x, b in
      let e = exp(b[1] - b[2] * x)
      let d = 1 + e
      let f = b[0] / d
      return (f, [1 / d, -b[0] * e / (d * d), b[0] * e * x / (d * d)])
    })

  static let mgh17 = NISTProblem(
    name: "MGH17", difficulty: "average",
    x: (0..<33).map { 10.0 * Double($0) },
    y: [
      0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751, 0.718, 0.685,
      0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490, 0.478, 0.467, 0.457, 0.448,
      0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406,
    ],
    starts: [[50, 150, -100, 1, 2], [0.5, 1.5, -1, 0.01, 0.02]],
    certified: [
      3.7541005211E-01, 1.9358469127E+00, -1.4646871366E+00, 1.2867534640E-02, 2.2122699662E-02,
    ],
    certifiedStandardErrors: [
      2.0723153551E-03, 2.2031669222E-01, 2.2175707739E-01, 4.4861358114E-04, 8.9471996575E-04,
    ],
    certifiedRSS: 5.4648946975E-05,
    model: { x, b in
      let e4 = exp(-x * b[3]), e5 = exp(-x * b[4])
      return (b[0] + b[1] * e4 + b[2] * e5, [1, e4, e5, -x * b[1] * e4, -x * b[2] * e5])
    })

  static let all: [NISTProblem] = [misra1a, danWood, mgh09, thurber, eckerle4, rat42, mgh17]
}
