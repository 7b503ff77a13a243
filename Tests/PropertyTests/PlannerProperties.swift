import PropertyBased
import ScalingLaws
import Testing

/// For any plausible Chinchilla constants, more compute buys more parameters, more tokens and a
/// lower loss (never below E), and the target-loss query inverts the budget query.
@Suite struct PlannerProperties {
  static let constants = zip(
    Gen.double(in: 0.5...3), Gen.double(in: 10...1e4), Gen.double(in: 10...1e4),
    Gen.double(in: 0.1...1), Gen.double(in: 0.1...1)
  ).map { e, a, b, al, be in
    ChinchillaConstants(name: "p", source: "property", E: e, A: a, B: b, alpha: al, beta: be)
  }

  @Test func moreComputeIsBetter() async {
    await propertyCheck(count: 300, input: Self.constants, Gen.double(in: 17...26), Gen.double(in: 0.01...3)) { c, logC, step in
      let planner = Planner(law: .chinchilla(c, samples: []))
      let lo = planner.allocation(flops: pow(10, logC))
      let hi = planner.allocation(flops: pow(10, logC + step))
      #expect(hi.params > lo.params)
      #expect(hi.tokens > lo.tokens)
      #expect(hi.loss < lo.loss)
      #expect(hi.loss > c.E)
    }
  }

  @Test func targetLossInvertsTheBudget() async throws {
    await propertyCheck(count: 300, input: Self.constants, Gen.double(in: 17...26)) { c, logC in
      let planner = Planner(law: .chinchilla(c, samples: []))
      let a = planner.allocation(flops: pow(10, logC))
      guard a.loss - c.E > 1e-9 * c.E else { return }  // at the floor the inverse is ill-conditioned
      let b = try planner.allocation(targetLoss: a.loss)
      #expect(abs(b.flops / a.flops - 1) < 1e-6)
    }
  }
}

import Foundation
