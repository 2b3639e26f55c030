"""Epochs and wall time to reach a validation MSE within 1.2× of the noise floor.

    python benchmarks/time_to_fit.py

Seed problem (n = 100, 25 held out), k = 10, the same seeds for every optimizer.
"""

from __future__ import annotations

import time

from _common import parse_args

import backproplab as bp

RUNS = [
    ("gd", "tanh", 0.3, None),
    ("gd", "sigmoid", 0.5, None),
    ("momentum", "tanh", 0.05, None),
    ("adam", "tanh", 0.05, None),
    ("adam", "sigmoid", 0.05, None),
    ("gd (batches of 10)", "tanh", 0.1, 10),
]


def main():
    args = parse_args(__doc__)
    epochs = 2000 if args.quick else 20_000
    train, val = bp.bump_data(n=100, seed=0).split(0.25, seed=0)
    target = 1.2 * bp.NOISE_FLOOR
    print(f"Validation MSE ≤ {target:.4f} (1.2 × noise floor), at most {epochs} epochs")
    print(f"{'optimizer':<20} {'act.':<8} {'lr':>6} {'epochs':>8} {'seconds':>9}")
    for label, act, lr, batch in RUNS:
        net = bp.Network(hidden=10, activation=act, seed=0)
        stop = lambda epoch, net, hist: hist.val_loss[-1] > target  # noqa: E731
        start = time.perf_counter()
        hist = bp.train(
            net,
            *train,
            lr=lr,
            epochs=epochs,
            optimizer=label.split()[0],
            batch_size=batch,
            val=val,
            callback=stop,
        )
        seconds = time.perf_counter() - start
        reached = hist.val_loss and hist.val_loss[-1] <= target
        shown = str(hist.epochs) if reached else f">{epochs}"
        print(f"{label:<20} {act:<8} {lr:>6g} {shown:>8} {seconds:>9.3f}")


if __name__ == "__main__":
    main()
