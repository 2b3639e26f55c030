"""The benchmark scripts still run (quick mode); their numbers are read by people, not asserted."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.parametrize(
    "script, expected",
    [
        ("epoch.py", ["bp.train", "loop / bp.train", "bp.train / minimal"]),
        ("scaling.py", ["ns/(n·k)", "log-log slope"]),
        ("time_to_fit.py", ["adam", "momentum", "epochs"]),
        ("trainer_frame.py", ["median / budget", "noise floor"]),
        ("peer_sklearn.py", ["bp, recommended preset", "epochs", "median of"]),
        ("deep.py", ["DeepNetwork / Network", "(1, 64, 64, 1)", "targets:"]),
        ("autograd.py", ["gradients agree", "autograd / hand-fused"]),
        ("classify.py", ["bp.train / minimal", "95% test accuracy", "bp preset", "targets:"]),
        ("gradient_cost.py", ["backprop / fwd", "central / fwd", "log-log slope against P"]),
        ("digits.py", ["bp.train / minimal", "Tensor / bp.train", "test accuracy", "median of"]),
    ],
)
def test_benchmark_script_runs_and_reports_ratios(script, expected):
    out = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=BENCH,
    )
    assert out.returncode == 0, out.stderr
    for words in expected:
        assert words in out.stdout
