"""How long one Trainer frame takes (train a chunk, then redraw), against the 50 ms budget.

The 1-D fit first, then the 2-D playground: a frame there is a training chunk plus the
probability map on a 64 x 64 grid, the losses and every hidden unit's thumbnail; its budget
is a median of 50 ms and a 95th percentile of 100 ms.

    python benchmarks/trainer_frame.py [--quick]

A frame is what the Play widget's timer calls: ``Trainer.frame()`` trains epochs_per_frame
epochs and redraws the fit and the loss in place (blitting onto one Agg figure, then a PNG
for the Image widget). Measured at the defaults (the seed's experiment) with and without
the hidden-unit curves; then the recommended preset's time to the noise floor at the
widget's frame interval.
"""

from __future__ import annotations

import statistics
import time

from _common import machine, parse_args

import backproplab as bp
from backproplab.plane import GRID_N, PRESET
from backproplab.playground import Playground
from backproplab.trainer import FLOOR_FACTOR, Trainer

BUDGET = 0.050  # seconds per frame
P95_BUDGET = 0.100  # the playground's 95th percentile


def frame_times(trainer: Trainer, frames: int) -> list[float]:
    trainer.frame()  # the first frame draws the axes into the background
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        trainer.frame()
        times.append(time.perf_counter() - start)
    return times


def parts(trainer: Trainer, frames: int) -> tuple[float, float]:
    """Median seconds for the training chunk alone and the redraw alone."""
    train, draw = [], []
    for _ in range(frames):
        start = time.perf_counter()
        trainer._train(
            trainer.net, trainer.optimizer_state, trainer.history, trainer.epochs_per_frame.value
        )
        mid = time.perf_counter()
        trainer.redraw()
        train.append(mid - start)
        draw.append(time.perf_counter() - mid)
    return statistics.median(train), statistics.median(draw)


def main():
    args = parse_args(__doc__)
    frames = 10 if args.quick else 60
    print(f"Trainer frame at the defaults ({machine()}); budget {BUDGET * 1e3:.0f} ms")
    print(
        f"{'setting':<28} {'median ms':>10} {'max ms':>8} {'median / budget':>16} {'over budget':>12}"
    )
    for label, kwargs in [
        ("defaults", {}),
        ("defaults + unit curves", {"show_units": True}),
        ("recommended preset", bp.RECOMMENDED),
    ]:
        times = frame_times(Trainer(**kwargs), frames)
        med = statistics.median(times)
        over = f"{sum(t > BUDGET for t in times)} of {len(times)}"
        print(
            f"{label:<28} {med * 1e3:>10.1f} {max(times) * 1e3:>8.1f} {med / BUDGET:>16.2f} {over:>12}"
        )
    train, draw = parts(Trainer(), frames)
    print(f"of which (defaults): training {train * 1e3:.2f} ms, redraw {draw * 1e3:.1f} ms")
    print("(a frame over budget is one where a curve left its axes and they were redrawn)")

    trainer = Trainer(**bp.RECOMMENDED)
    start = time.perf_counter()
    n_frames = 0
    while trainer.floor_epoch is None and trainer.history.epochs < 5000:
        trainer.frame()
        n_frames += 1
    compute = time.perf_counter() - start
    per_frame = compute / n_frames
    live = n_frames * max(per_frame, trainer.play.interval / 1e3)
    print(
        f"recommended preset: within {FLOOR_FACTOR}x the noise floor at epoch "
        f"{trainer.floor_epoch}, after {n_frames} frames; {compute:.2f} s of computing, "
        f"about {live:.1f} s live at one frame per {trainer.play.interval} ms"
    )

    plane(frames * 2)


def plane(frames: int) -> None:
    """The playground's frames at the preset on circles, and its time to 95% test accuracy."""
    print(f"\nPlayground frame ({GRID_N}x{GRID_N} map + unit thumbnails); budget median "
          f"{BUDGET * 1e3:.0f} ms, p95 {P95_BUDGET * 1e3:.0f} ms")  # fmt: skip
    print(f"{'setting':<34} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for label, kwargs in [
        ("circles preset, 1 epoch / frame", dict(PRESET, epochs_per_frame=1)),
        ("circles preset, 5 epochs / frame", dict(PRESET)),
        ("spiral, 6 x 8 tanh, 1 epoch / frame", dict(dataset="spiral", layers=6, hidden=8,
                                                     epochs_per_frame=1, optimizer="adam")),
    ]:  # fmt: skip
        p = Playground(**kwargs, epochs=10**6)
        times = frame_times(p, frames)
        med, p95 = statistics.median(times), statistics.quantiles(times, n=20)[-1]
        flag = "" if med <= BUDGET and p95 <= P95_BUDGET else "  OVER BUDGET"
        print(f"{label:<34} {med * 1e3:>10.1f} {p95 * 1e3:>8.1f} {max(times) * 1e3:>8.1f}{flag}")
    p = Playground(**PRESET, target=0.95)
    start = time.perf_counter()
    n_frames = 0
    while not p.session.reached and p.history.epochs < 5000:
        p.frame()
        n_frames += 1
    compute = time.perf_counter() - start
    live = n_frames * max(compute / n_frames, p.play.interval / 1e3)
    print(
        f"circles preset: 95% test accuracy at epoch {p.session.target_epoch}, after "
        f"{n_frames} frames; {compute:.2f} s of computing, about {live:.1f} s live at one "
        f"frame per {p.play.interval} ms"
    )


if __name__ == "__main__":
    main()
