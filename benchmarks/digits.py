"""Chapter 12's digits network against what a practitioner would compare it with.

    python benchmarks/digits.py [--quick]

1. One full-batch gradient-descent epoch at sizes (64, 32, 10), n = 1,437, float64, one BLAS
   thread: bp.train against a minimal hand-fused numpy step (target: within 1.2x) and
   PyTorch eager (when torch is installed; target: bp no slower), timed in three rounds.
2. Time to 97% test accuracy on the same split, median of 5 seeds: the course's preset
   (bp.digits.PRESET: tanh, Adam, full batch) against scikit-learn's MLPClassifier with the
   same 32 tanh units, solver adam (its defaults: mini-batches of 200, lr 0.001) and lbfgs.
   Each contender first runs once, measuring test accuracy after every epoch (iteration),
   to find how many it needs; then a fresh run of exactly that many is timed, so the
   measuring is charged to no one. scikit-learn is optional (pip install scikit-learn).
3. One bp.Tensor epoch (chapter 12's loop) against the hand-derived one.
"""

from __future__ import annotations

import statistics
import warnings

import numpy as np
from _common import best_time, parse_args

import backproplab as bp
from backproplab.digits import PRESET, SIZES

try:  # one BLAS thread everywhere (threadpoolctl comes with scikit-learn)
    from threadpoolctl import threadpool_limits
except ImportError:
    threadpool_limits = None

TARGET = 0.97
SEEDS = range(5)
LR = 0.5  # gradient descent's learning rate for the epoch timings (any value: same work)


def minimal_epoch_fn(params, X, y):
    """The fewest numpy operations one gradient-descent epoch needs (tanh, softmax, CE, and
    the loss, which bp.train records every epoch)."""
    W1, b1, W2, b2 = (params[k].copy() for k in ("W1", "b1", "W2", "b2"))
    n = len(y)
    rows = np.arange(n)
    one_n, one_m = np.ones(n), np.ones(W2.shape[1])

    def epoch():
        nonlocal W1, b1, W2, b2
        A1 = np.tanh(X @ W1 + b1)  # (n, 32)
        Z = A1 @ W2 + b2  # (n, 10)
        # numpy's reductions along a row are slow at this size: the fast forms bp uses, here too
        M = Z[:, :1].copy()
        for c in range(1, Z.shape[1]):
            np.maximum(M, Z[:, c : c + 1], out=M)  # each row's max, column by column
        E = np.exp(Z - M)
        D = E / (E @ one_m)[:, None]  # P
        loss = -np.mean(np.log(D[rows, y]))  # recorded, as bp.train records it
        D[rows, y] -= 1.0
        D /= n  # (P - Y)/n
        D1 = (D @ W2.T) * (1.0 - A1 * A1)  # (n, 32)
        W2 -= LR * (A1.T @ D)
        b2 -= LR * (one_n @ D)
        W1 -= LR * (X.T @ D1)
        b1 -= LR * (one_n @ D1)
        return loss

    return epoch


def torch_epoch_fn(params, X, y):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    tx, ty = torch.tensor(X), torch.tensor(y)

    def epoch():
        Z = torch.tanh(tx @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
        loss = torch.nn.functional.cross_entropy(Z, ty)
        for p in t.values():
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in t.values():
                p -= LR * p.grad

    return epoch


def tensor_epoch_fn(params, X, y):
    leaves = bp.tensor_params(params)

    def epoch():
        for p in leaves.values():
            p.zero_grad()
        bp.tensor_cross_entropy(bp.tensor_forward(leaves, X), y).backward()
        for p in leaves.values():
            p.value -= LR * p.grad

    return epoch


def epochs_section(train, repeat):
    X, y = train.x, train.y
    net = bp.DeepNetwork(SIZES, "tanh", seed=0, init="xavier", output="softmax")
    start = {k: v.copy() for k, v in net.params.items()}
    per_call = 20  # bp.train validates once per call: amortised over its epochs, as in use
    minimal_fn, torch_fn = minimal_epoch_fn(start, X, y), torch_epoch_fn(start, X, y)
    tensor_fn = tensor_epoch_fn(start, X, y)
    best = {"ours": [], "minimal": [], "torch": [], "tensor": []}
    # In rounds, every side once a round, each keeping its best: a busy moment on the machine
    # hits every side. (Until a process has freed some large array, glibc's heap thresholds
    # stay low, and bp.train can pay about 200 page faults an epoch: the first round is
    # printed as well.)
    for _ in range(3):
        best["ours"].append(
            best_time(lambda: bp.train(net, X, y, lr=LR, epochs=per_call), 1, repeat) / per_call
        )
        best["minimal"].append(best_time(minimal_fn, per_call, repeat))
        if torch_fn:
            best["torch"].append(best_time(torch_fn, per_call, repeat))
        best["tensor"].append(best_time(tensor_fn, per_call, repeat))
    ours, minimal, tensor_t = min(best["ours"]), min(best["minimal"]), min(best["tensor"])
    torch_t = min(best["torch"]) if torch_fn else None
    print(f"One gradient-descent epoch, sizes {SIZES}, n = {len(y):,}, float64, 1 thread:")
    print(f"  bp.train (DeepNetwork)  {ours * 1e6:9.1f} µs")
    print(
        f"  minimal numpy step      {minimal * 1e6:9.1f} µs   bp.train / minimal = {ours / minimal:.2f}× (target ≤ 1.2)"
    )
    if torch_t is None:
        print("  PyTorch eager           not installed (pip install torch==2.13.0)")
    else:
        print(
            f"  PyTorch eager           {torch_t * 1e6:9.1f} µs   torch / bp.train = {torch_t / ours:.2f}× (target ≥ 1)"
        )
    print(
        f"  bp.Tensor loop          {tensor_t * 1e6:9.1f} µs   Tensor / bp.train = {tensor_t / ours:.2f}×"
    )
    print(
        f"  first round only        bp.train {best['ours'][0] * 1e6:.1f} µs, minimal "
        f"{best['minimal'][0] * 1e6:.1f} µs (bp.train runs first: any settling of the heap is its)"
    )


def ours_to_target(seed, train, test, repeat):
    def fresh():
        return bp.DeepNetwork(SIZES, PRESET["activation"], seed=seed, init=PRESET["init"], output="softmax")  # fmt: skip

    opts = dict(lr=PRESET["lr"], optimizer=PRESET["optimizer"])
    probe = fresh()
    hist = bp.train(
        probe, train.x, train.y, epochs=2000,
        callback=lambda e, n, h: bp.accuracy(test.y, n.predict(test.x)) < TARGET, **opts,
    )  # fmt: skip
    if bp.accuracy(test.y, probe.predict(test.x)) < TARGET:
        return None, None
    epochs = hist.epochs
    return epochs, best_time(
        lambda: bp.train(fresh(), train.x, train.y, epochs=epochs, **opts), 1, repeat
    )


def sklearn_to_target(solver, seed, train, test, repeat):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    def model(max_iter):
        return MLPClassifier(
            hidden_layer_sizes=(SIZES[1],), activation="tanh", solver=solver, random_state=seed,
            max_iter=max_iter, tol=0.0, n_iter_no_change=10**9,
        )  # fmt: skip

    def acc(m):
        return float(np.mean(m.predict(test.x) == test.y))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        iters = None
        if solver == "adam":  # one partial_fit is one epoch; Adam's moments carry over
            m = model(1)
            for i in range(1, 2001):
                m.partial_fit(train.x, train.y, classes=np.arange(10))
                if acc(m) >= TARGET:
                    iters = i
                    break
        else:  # lbfgs restarts on every fit: the smallest max_iter that gets there, by steps of 5
            for i in range(5, 1001, 5):
                if acc(model(i).fit(train.x, train.y)) >= TARGET:
                    iters = i
                    break
        if iters is None:
            return None, None
        if solver == "adam":

            def run():
                m = model(1)
                for _ in range(iters):
                    m.partial_fit(train.x, train.y, classes=np.arange(10))

        else:

            def run():
                model(iters).fit(train.x, train.y)

        return iters, best_time(run, 1, repeat)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def target_section(train, test, seeds, repeat):
    rows = {"bp, course preset": [ours_to_target(s, train, test, repeat) for s in seeds]}
    try:
        import sklearn  # noqa: F401
    except ImportError:
        sklearn_ok = False
    else:
        sklearn_ok = True
        rows["sklearn adam"] = [sklearn_to_target("adam", s, train, test, repeat) for s in seeds]
        rows["sklearn lbfgs"] = [sklearn_to_target("lbfgs", s, train, test, repeat) for s in seeds]
    print(
        f"\nTime to {TARGET:.0%} test accuracy, same split, {SIZES[1]} tanh units; median of "
        f"{len(seeds)} seeds (bp preset: {PRESET['optimizer']}, lr {PRESET['lr']}, full batch)"
    )
    base = median(t for _, t in rows["bp, course preset"])
    for name, runs in rows.items():
        reached = sum(t is not None for _, t in runs)
        it, t = median(i for i, _ in runs), median(t for _, t in runs)
        if t is None:
            print(f"  {name:20s} did not reach {TARGET:.0%}")
            continue
        ratio = f"   {name} / bp = {t / base:.2f}×" if name != "bp, course preset" else ""
        print(
            f"  {name:20s} {it:6.0f} epochs {t * 1e3:8.1f} ms  ({reached}/{len(runs)} seeds){ratio}"
        )
    if not sklearn_ok:
        print("  scikit-learn          not installed (pip install scikit-learn)")


def run():
    args = parse_args(__doc__)
    repeat = 1 if args.quick else 5
    seeds = range(1) if args.quick else SEEDS
    d = bp.data.digits()
    epochs_section(d.train, repeat)
    target_section(d.train, d.test, seeds, repeat)
    print(f"BLAS threads: {'1' if threadpool_limits else 'default'}")


def main():
    if threadpool_limits is None:
        run()
    else:
        with threadpool_limits(limits=1):
            run()


if __name__ == "__main__":
    main()
