"""DeepNetwork's epoch against Network's and against PyTorch eager, compared in one run.

    python benchmarks/deep.py

Two ratios, each from timings taken in the same run:
- sizes (1, 10, 1), n = 100: a DeepNetwork epoch of bp.train over a Network epoch (the same
  network in two forms; target at most 1.3);
- sizes (1, 64, 64, 1), n = 1000: PyTorch eager (float64, one thread) over bp.train with a
  DeepNetwork (target above 1), when torch is installed.
Both sides run on one thread: numpy's BLAS is pinned to one before numpy loads.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one thread, as torch gets; must precede numpy's import

from _common import best_time, parse_args  # noqa: E402

import backproplab as bp  # noqa: E402

LR = 0.01


def epoch_time(net, x, y, number: int, repeat: int) -> float:
    """Seconds per full-batch gradient-descent epoch of bp.train (best of `repeat`)."""
    return best_time(lambda: bp.train(net, x, y, lr=LR, epochs=number), 1, repeat) / number


def torch_epoch_fn(deep, x, y):
    """One epoch of the same DeepNetwork in PyTorch eager: forward, backward, SGD step."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    p = {
        k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in deep.params.items()
    }
    tx, ty = torch.tensor(x)[:, None], torch.tensor(y)[:, None]
    depth = deep.depth

    def epoch():
        a = tx
        for i in range(1, depth):  # the hidden layers
            a = torch.sigmoid(a @ p[f"W{i}"] + p[f"b{i}"])
        loss = ((a @ p[f"W{depth}"] + p[f"b{depth}"] - ty) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for t in p.values():
                t -= LR * t.grad
                t.grad = None

    return epoch


def main():
    args = parse_args(__doc__)
    number, repeat = (5, 2) if args.quick else (300, 7)

    x, y = bp.bump_data(n=100, seed=0)
    net, deep = bp.Network(hidden=10, seed=0), bp.DeepNetwork((1, 10, 1), seed=0)
    one, many = [], []
    for _ in range(3):  # alternate, so that a busy moment on the machine hits both
        one.append(epoch_time(net, x, y, number, repeat))
        many.append(epoch_time(deep, x, y, number, repeat))
    one, many = min(one), min(many)

    x, y = bp.bump_data(n=1000, seed=0)
    big = bp.DeepNetwork((1, 64, 64, 1), seed=0)
    torch_fn = torch_epoch_fn(big.copy(), x, y)
    ours = epoch_time(big, x, y, max(1, number // 5), repeat)
    theirs = best_time(torch_fn, max(1, number // 5), repeat) if torch_fn else None

    print(f"One full-batch epoch of gradient descent, float64, one thread (best of {repeat})")
    print(f"  Network       (1, 10, 1),     n = 100   {one * 1e6:9.1f} µs")
    print(
        f"  DeepNetwork   (1, 10, 1),     n = 100   {many * 1e6:9.1f} µs   "
        f"DeepNetwork / Network = {many / one:.2f} (target ≤ 1.3)"
    )
    print(f"  DeepNetwork   (1, 64, 64, 1), n = 1000  {ours * 1e6:9.1f} µs")
    if theirs is None:
        print(
            "  PyTorch eager                            not installed (pip install torch==2.13.0)"
        )
    else:
        print(
            f"  PyTorch eager (1, 64, 64, 1), n = 1000  {theirs * 1e6:9.1f} µs   "
            f"torch / DeepNetwork = {theirs / ours:.2f} (target > 1)"
        )
    ok = many / one <= 1.3 and (theirs is None or theirs > ours)
    print("targets:", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
