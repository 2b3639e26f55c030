"""Shared timing helpers for the benchmark scripts: best-of-repeats, printed as ratios."""

from __future__ import annotations

import argparse
import os
import time


def parse_args(description: str):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="few repeats: a smoke run, not a measurement"
    )
    return parser.parse_args()


def best_time(fn, number: int, repeat: int) -> float:
    """The best of `repeat` runs of `number` calls, in seconds per call.

    The minimum is the least disturbed by other work on a shared machine.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def machine() -> str:
    return f"{os.cpu_count()} cores, numpy threads: {os.environ.get('OMP_NUM_THREADS', 'default')}"
