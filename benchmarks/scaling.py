"""How the epoch time grows with the data size n and the hidden units k.

    python benchmarks/scaling.py

The vectorised step does O(n·k) work, so the time per epoch divided by n·k should stay
roughly flat once the arrays are large enough to hide numpy's fixed call overhead.
"""

from __future__ import annotations

import numpy as np
from _common import best_time, parse_args

import backproplab as bp


def per_epoch(n: int, k: int, number: int, repeat: int) -> float:
    x, y = bp.bump_data(n=n, seed=0)
    net = bp.Network(hidden=k, activation="tanh", seed=0)
    return best_time(lambda: bp.train(net, x, y, lr=1e-3, epochs=number), 1, repeat) / number


def main():
    args = parse_args(__doc__)
    ns = [1_000, 10_000, 100_000]
    ks = [10, 64, 256]
    repeat = 2 if args.quick else 5
    if args.quick:
        ns, ks = [1_000, 10_000], [10, 64]
    print("Time per full-batch epoch (ms) and ns per unit of n·k")
    print(f"{'n':>8} {'k':>5} {'ms/epoch':>10} {'ns/(n·k)':>10}")
    rows = []
    for n in ns:
        for k in ks:
            number = max(1, int(2e6 // (n * k)))
            t = per_epoch(n, k, number, repeat)
            rows.append((n, k, t))
            print(f"{n:>8} {k:>5} {t * 1e3:>10.3f} {t / (n * k) * 1e9:>10.2f}")
    big = [t / (n * k) for n, k, t in rows if n * k >= 1e6] or [t / (n * k) for n, k, t in rows]
    spread = max(big) / min(big)
    print(f"for n·k ≥ 10⁶ the cost per unit varies by {spread:.2f}× (linear growth: close to 1)")
    slope = np.polyfit(np.log([n * k for n, k, _ in rows]), np.log([t for *_, t in rows]), 1)[0]
    print(f"log-log slope of time against n·k: {slope:.2f} (linear: 1; below 1 = fixed overhead)")


if __name__ == "__main__":
    main()
