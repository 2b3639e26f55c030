"""The price of generality: one full-batch epoch by bp.Tensor, compared in one run.

    python benchmarks/autograd.py

At n = 100, k = 10 (sigmoid, float64) it times one gradient-descent epoch three ways: the
gradients by bp.Tensor (bp.autograd_epoch: the graph rebuilt, backward, update), the
hand-fused step (bp.train), and PyTorch eager on one thread (when torch is installed), and
reports autograd / hand-fused and autograd / PyTorch as ratios. It first checks that the
three compute the same gradients.
"""

from __future__ import annotations

import numpy as np
from _common import best_time, machine, parse_args

import backproplab as bp

N, K, LR = 100, 10, 0.01


def torch_epoch_fn(net, x, y):
    """One eager PyTorch epoch on the same network, or None without torch."""
    try:
        import torch
    except ImportError:
        return None, None
    torch.set_num_threads(1)
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in net.params.items()}
    tx, ty = torch.tensor(x), torch.tensor(y)

    def loss_and_grads():
        h = torch.sigmoid(tx[:, None] * t["w1"] + t["b1"])
        loss = ((h @ t["w2"] + t["b2"] - ty) ** 2).mean()
        loss.backward()
        return loss

    def epoch():
        loss_and_grads()
        with torch.no_grad():
            for p in t.values():
                p -= LR * p.grad
                p.grad = None

    def grads():
        loss_and_grads()
        out = {k: p.grad.numpy().copy() for k, p in t.items()}
        for p in t.values():
            p.grad = None
        return out

    return epoch, grads


def main():
    args = parse_args(__doc__)
    number, repeat = (5, 2) if args.quick else (300, 7)
    x, y = bp.bump_data(n=N, seed=0)

    # The same gradients first: a fast wrong answer is no answer.
    ref = bp.Network(hidden=K, seed=0)
    loss, leaves = bp.tensor_loss(ref, x, y)
    loss.backward()
    _, want = ref.loss_and_grads(x, y)
    gap = max(np.max(np.abs(leaves[k].grad - g)) for k, g in want.items())
    torch_epoch, torch_grads = torch_epoch_fn(bp.Network(hidden=K, seed=0), x, y)
    if torch_grads is not None:
        theirs = torch_grads()
        gap = max(gap, max(np.max(np.abs(theirs[k] - g)) for k, g in want.items()))
    assert gap < 1e-12, f"the implementations disagree by {gap:.1e}"

    fused_net, auto_net = bp.Network(hidden=K, seed=0), bp.Network(hidden=K, seed=0)
    runs = {
        "fused": lambda: bp.train(fused_net, x, y, lr=LR, epochs=number),
        "auto": lambda: bp.autograd_epoch(auto_net, x, y, LR, epochs=number),
    }
    if torch_epoch:
        runs["torch"] = lambda: [torch_epoch() for _ in range(number)]
    # Interleaved: every repeat times all three, so a busy moment on a shared machine
    # slows all of them rather than one; the best repeat of each counts.
    best = {name: float("inf") for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            best[name] = min(best[name], best_time(run, 1, 1) / number)
    fused, auto, torch_t = best["fused"], best["auto"], best.get("torch")
    nodes = len(bp.tensor_loss(auto_net, x, y)[0].graph())

    print(f"One full-batch epoch, n = {N}, k = {K}, float64 (best of {repeat}; {machine()})")
    print(f"  gradients agree to {gap:.1e}")
    print(f"  hand-fused (bp.train)   {fused * 1e6:9.1f} µs")
    print(
        f"  autograd (bp.Tensor)    {auto * 1e6:9.1f} µs   autograd / hand-fused = "
        f"{auto / fused:.1f}  ({nodes} nodes, {(auto - fused) * 1e6 / nodes:.1f} µs each)"
    )
    if torch_t is None:
        print("  PyTorch eager           not installed (pip install torch==2.13.0)")
    else:
        print(
            f"  PyTorch eager, 1 thr.   {torch_t * 1e6:9.1f} µs   autograd / torch      = "
            f"{auto / torch_t:.2f} (aim ≤ 1)"
        )
    print("aim:", "met" if torch_t is None or auto <= torch_t else "NOT met")


if __name__ == "__main__":
    main()
