#!/usr/bin/env python3
"""Backtest of `scaling hparams --window` (the fraction of a cell's best loss whose runs enter
its quadratic surface), the README's table: synthetic sweeps generated from StepLaw's laws
(Epoch's Chinchilla loss x (1 + penalty), 0.2% noise, 4 sizes x 3 token counts x 8 learning rates
x 5 batches) with a learning-rate penalty 0.01 u^2 (1 + s max(u, 0)) that steepens on the high
side by s (divergence), five seeds each. For every window: the true loss above the optimum at each
left-out cell's predicted setting (the generating surface), mean and worst, and the error of the
fitted N exponent. Usage: python3 scripts/hparams-window-backtest.py [path/to/scaling]"""
import json, math, random, subprocess, sys, tempfile, os

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/release/scaling"
E, A, B, AL, BE = 1.8172, 482.01, 2085.43, 0.3478, 0.3658


def optimum(n, d):
    return 1.79 * n ** -0.713 * d ** 0.307, 0.58 * d ** 0.571


def penalty(u, v, s):
    return 0.01 * u * u * (1 + s * max(u, 0)) + 0.005 * v * v


def sweep(path, seed, s):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("params,tokens,lr,batch_tokens,loss\n")
        for n in (5e7, 1e8, 2e8, 4e8):
            for d in (2e9, 8e9, 3.2e10):
                e, b = optimum(n, d)
                for k in range(8):
                    for j in range(5):
                        u, v = (k - 3.5) * math.log(2), (j - 2) * math.log(2)
                        loss = (E + A / n ** AL + B / d ** BE) * (1 + penalty(u, v, s)) * math.exp(rng.gauss(0, 0.002))
                        f.write(f"{n!r},{d!r},{e * math.exp(u)!r},{b * math.exp(v)!r},{loss!r}\n")


print("| steepening s | window | mean loss above optimum, left-out cells | worst | mean abs error of the N exponent |")
print("|---:|---:|---:|---:|---:|")
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "sweep.csv")
    for s in (0.0, 0.5, 1.0):
        for w in (0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 1.0):
            regrets, errors = [], []
            for seed in range(1, 6):
                sweep(path, seed, s)
                out = subprocess.run([BIN, "hparams", path, "--window", str(w), "--format", "json"], capture_output=True, text=True, check=True)
                fit = json.loads(out.stdout)
                for h in fit["leave_one_cell_out"]:
                    e, b = optimum(h["params"], h["tokens"])
                    regrets.append(penalty(math.log(h["learning_rate"] / e), math.log(h["batch_tokens"] / b), s))
                errors.append(abs(fit["learning_rate"]["params_exponent"] + 0.713))
            print(f"| {s:.1f} | {w:g} | {100 * sum(regrets) / len(regrets):.4f}% | {100 * max(regrets):.4f}% | {sum(errors) / len(errors):.4f} |")
