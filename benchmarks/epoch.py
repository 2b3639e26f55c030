"""One full-batch epoch on the seed problem (n = 100, k = 10), compared in one run.

    python benchmarks/epoch.py

Reports the time per epoch of bp.train against the per-sample Python loop (the homework's
way), PyTorch eager in float64 on one thread (when torch is installed), and a minimal
hand-fused numpy step, as ratios.
"""

from __future__ import annotations

import numpy as np
from _common import best_time, parse_args

import backproplab as bp

N, K, LR = 100, 10, 0.01


def minimal_step(p, x, y, lr):
    """The least numpy can do for one epoch: fused forward, backward and update, no checks."""
    z = x[:, None] * p["w1"] + p["b1"]
    h = 1.0 / (1.0 + np.exp(-z))
    r = h @ p["w2"] + p["b2"] - y
    d = (2.0 / r.size) * r
    dz = d[:, None] * p["w2"] * h * (1.0 - h)
    p["w2"] -= lr * (d @ h)
    p["b2"] -= lr * d.sum()
    p["w1"] -= lr * (x @ dz)
    p["b1"] -= lr * dz.sum(axis=0)


def torch_epoch_fn(net, x, y):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in net.params.items()}
    tx, ty = torch.tensor(x), torch.tensor(y)

    def epoch():
        h = torch.sigmoid(tx[:, None] * t["w1"] + t["b1"])
        loss = ((h @ t["w2"] + t["b2"] - ty) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in t.values():
                p -= LR * p.grad
                p.grad = None

    return epoch


def main():
    args = parse_args(__doc__)
    number, repeat = (5, 2) if args.quick else (200, 7)
    x, y = bp.bump_data(n=N, seed=0)

    net = bp.Network(hidden=K, seed=0)
    ours = best_time(lambda: bp.train(net, x, y, lr=LR, epochs=number), 1, repeat) / number
    params = {k: v.copy() for k, v in bp.Network(hidden=K, seed=0).params.items()}
    minimal = best_time(lambda: minimal_step(params, x, y, LR), number, repeat)
    slow = bp.Network(hidden=K, seed=0)
    loop = best_time(lambda: bp.loop_epoch(slow, x, y, LR), max(1, number // 20), repeat)
    torch_fn = torch_epoch_fn(bp.Network(hidden=K, seed=0), x, y)
    torch_t = best_time(torch_fn, number, repeat) if torch_fn else None

    print(f"One full-batch epoch, n = {N}, k = {K}, float64 (best of {repeat})")
    print(f"  bp.train               {ours * 1e6:9.1f} µs")
    print(
        f"  minimal fused numpy    {minimal * 1e6:9.1f} µs   bp.train / minimal = {ours / minimal:.2f} (target ≤ 1.5)"
    )
    print(
        f"  per-sample loop        {loop * 1e6:9.1f} µs   loop / bp.train    = {loop / ours:.0f}× (target ≥ 100)"
    )
    if torch_t is None:
        print("  PyTorch eager          not installed (pip install torch==2.13.0)")
    else:
        print(
            f"  PyTorch eager, 1 thr.  {torch_t * 1e6:9.1f} µs   torch / bp.train   = {torch_t / ours:.1f}× (target > 1)"
        )
    ok = ours / minimal <= 1.5 and loop / ours >= 100 and (torch_t is None or torch_t > ours)
    print("targets:", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
