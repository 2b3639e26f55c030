"""The instructors' page documents the experiment by names that work, and its safe changes."""

import re
from pathlib import Path

import backproplab as bp

PAGE = Path(__file__).resolve().parents[2] / "chapters" / "instructors.md"


def section(title: str) -> str:
    _, _, rest = PAGE.read_text(encoding="utf8").partition(f"\n## {title}\n")
    assert rest, f"chapters/instructors.md has no section '## {title}'"
    return rest.split("\n## ", 1)[0]


def test_every_name_in_the_experiment_table_works_as_bp_name():
    names = re.findall(
        r"`([A-Z_]+)`",
        "".join(re.findall(r"^\| (`.*?) \|", section("Change the experiment"), re.M)),
    )
    assert {"N", "NOISE", "NOISE_FLOOR", "SEED", "HIDDEN", "LR", "EPOCHS", "RECOMMENDED"} <= set(
        names
    )
    for name in names:
        assert getattr(bp, name) == getattr(bp.experiment, name), f"bp.{name}"


def test_the_safe_changes_are_the_ones_the_adoption_test_makes():
    rows = re.findall(r"^\| `([A-Z_]+)` \| ([\d.]+) \|", section("Change the experiment"), re.M)
    assert dict(rows) == {"NOISE": "0.1", "N": "200"}
    adoption = PAGE.parents[1] / "tests" / "adoption" / "test_adoption.py"
    text = adoption.read_text(encoding="utf8")
    for name, value in rows:
        assert f'("{name}", {value})' in text, f"{adoption.name} does not set {name} = {value}"
