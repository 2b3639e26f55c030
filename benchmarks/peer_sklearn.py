"""The recommended preset against the peer a practitioner would pick: scikit-learn's MLPRegressor.

    python benchmarks/peer_sklearn.py

Same data (bp.bump_data()), 10 tanh hidden units on both sides. For each of 5 network seeds,
each contender first runs once to find how many epochs (iterations) it needs to bring the
MSE against the noise-free bump, on 200 points across [-1, 1], to TARGET; then a fresh run of
exactly that many is timed, so measuring is charged to neither side. Reports the median over
seeds, and the ratios. scikit-learn is optional (pip install scikit-learn), as torch is in
epoch.py.
"""

from __future__ import annotations

import statistics
import warnings

import numpy as np
from _common import best_time, parse_args

import backproplab as bp

try:  # one BLAS thread on both sides, as for PyTorch in epoch.py (comes with scikit-learn)
    from threadpoolctl import threadpool_limits
except ImportError:
    threadpool_limits = None

TARGET = 5e-4
SEEDS = range(5)
GRID = np.linspace(-1.0, 1.0, 200)
TRUTH = bp.bump(GRID)


def mse(predict) -> float:
    return float(np.mean((predict(GRID) - TRUTH) ** 2))


def ours(seed, x, y, repeat):

    act = bp.RECOMMENDED["activation"]
    opts = dict(lr=bp.RECOMMENDED["lr"], optimizer=bp.RECOMMENDED["optimizer"])
    probe = bp.Network(hidden=10, activation=act, seed=seed)
    hist = bp.train(
        probe, x, y, epochs=5000, callback=lambda e, n, h: mse(n.predict) > TARGET, **opts
    )
    epochs = hist.epochs
    if mse(probe.predict) > TARGET:
        return None, None
    seconds = best_time(
        lambda: bp.train(
            bp.Network(hidden=10, activation=act, seed=seed), x, y, epochs=epochs, **opts
        ),
        1,
        repeat,
    )
    return epochs, seconds


def sklearn_run(solver, seed, x, y, repeat):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor

    def model(max_iter):
        extra = (
            dict(learning_rate_init=bp.RECOMMENDED["lr"], batch_size=x.size, shuffle=False)
            if solver == "adam"
            else {}
        )
        return MLPRegressor(
            hidden_layer_sizes=(10,),
            activation="tanh",
            solver=solver,
            random_state=seed,
            max_iter=max_iter,
            tol=0.0,
            n_iter_no_change=10**9,
            **extra,
        )

    X = x[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if solver == "adam":  # one partial_fit is one epoch; Adam's moments carry over
            m, iters = model(1), None
            for i in range(1, 5001):
                m.partial_fit(X, y)
                if mse(lambda g, m=m: m.predict(g[:, None])) <= TARGET:
                    iters = i
                    break
        else:  # lbfgs: the smallest max_iter that gets there, each fit from scratch
            iters = None
            for i in range(1, 1001):
                m = model(i).fit(X, y)
                if mse(lambda g, m=m: m.predict(g[:, None])) <= TARGET:
                    iters = i
                    break
        if iters is None:
            return None, None
        seconds = best_time(lambda: model(iters).fit(X, y), 1, repeat)
    return iters, seconds


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    if threadpool_limits is None:
        run()
    else:
        with threadpool_limits(limits=1):
            run()


def run():
    args = parse_args(__doc__)
    repeat = 2 if args.quick else 7
    seeds = range(2) if args.quick else SEEDS
    x, y = bp.bump_data()
    rows = {"bp, recommended preset": [ours(s, x, y, repeat) for s in seeds]}
    try:
        import sklearn
    except ImportError:
        sklearn = None
    if sklearn is not None:
        rows["sklearn lbfgs"] = [sklearn_run("lbfgs", s, x, y, repeat) for s in seeds]
        rows["sklearn adam, same lr"] = [sklearn_run("adam", s, x, y, repeat) for s in seeds]
    p = bp.RECOMMENDED
    print(
        f"Time to an MSE of {TARGET:g} against the noise-free bump, n = {x.size}, 10 tanh units; "
        f"median of {len(seeds)} seeds (bp preset: {p['optimizer']}, lr {p['lr']}); "
        f"BLAS threads: {'1' if threadpool_limits else 'default'}"
    )
    base = median(t for _, t in rows["bp, recommended preset"])
    for name, runs in rows.items():
        it, t = median(i for i, _ in runs), median(t for _, t in runs)
        if t is None:
            print(f"  {name:24s} did not reach the target")
            continue
        ratio = f"   {name} / bp = {t / base:.2f}" if name != "bp, recommended preset" else ""
        print(f"  {name:24s} {it:6.0f} epochs {t * 1e3:8.2f} ms{ratio}")
    if sklearn is None:
        print("  scikit-learn            not installed (pip install scikit-learn)")


if __name__ == "__main__":
    main()
