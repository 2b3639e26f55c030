"""Why backpropagation is fast: its cost against central differences as the parameters grow.

Chapter 6 measures it live on the course's one-layer network. Here the same comparison runs
on one and on two hidden layers, to more parameters. Printed per network: one forward pass
(``loss``), forward and backward (``loss_and_grads``) in forward passes, and the central
differences of ``bp.numerical_grads`` in forward passes and in units of 2P forward passes.
The log-log slopes against P summarise it: about 0 for backpropagation, about 1 for the
central differences.
"""

from __future__ import annotations

import numpy as np
from _common import best_time, machine, parse_args

import backproplab as bp


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    repeat = 1 if args.quick else 5
    x, y = bp.bump_data()
    nets = {
        "one hidden layer": [bp.Network(hidden=k) for k in (10, 40, 160)],
        "two hidden layers": [bp.DeepNetwork((1, h, h, 1)) for h in (4, 8, 16)],
    }
    if not args.quick:
        nets["one hidden layer"].append(bp.Network(hidden=640))
        nets["two hidden layers"].append(bp.DeepNetwork((1, 32, 32, 1)))
    print(f"n = {len(x)}; {machine()}")
    print(
        f"{'network':<18}{'P':>6}{'forward':>11}{'backprop / fwd':>16}{'central / fwd':>15}{'/ 2P':>7}"
    )
    for label, group in nets.items():
        rows = []
        for net in group:
            P = sum(p.size for p in net.params.values())
            forward = best_time(lambda net=net: net.loss(x, y), number=20, repeat=repeat)
            backprop = best_time(lambda net=net: net.loss_and_grads(x, y), number=20, repeat=repeat)
            central = best_time(
                lambda net=net: bp.numerical_grads(net, x, y), 1, max(1, repeat // 2)
            )
            rows.append((P, backprop / forward, central / forward))
            print(
                f"{label:<18}{P:>6}{forward * 1e6:>8.0f} µs{backprop / forward:>16.2f}"
                f"{central / forward:>15.0f}{central / forward / (2 * P):>7.2f}"
            )
        P, bp_cost, central_cost = np.log(np.array(rows)).T
        print(
            f"{label}: log-log slope against P, backprop {np.polyfit(P, bp_cost, 1)[0]:.2f}, "
            f"central differences {np.polyfit(P, central_cost, 1)[0]:.2f}"
        )


if __name__ == "__main__":
    main()
