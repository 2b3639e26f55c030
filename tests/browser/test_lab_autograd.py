"""Chapter 10's stepper in real JupyterLab: step through x · x, a graph with a fork.

Uses the JupyterLab server fixture of test_lab.py (a server on 127.0.0.1 over a copy of the
chapters, driven by Debian's Chromium). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect
from test_lab import CHAPTERS, _dismiss_news, _open_and_run_all, lab, page  # noqa: F401

AUTOGRAD = "10-autograd.ipynb"


def test_tensor_stepper_walks_x_times_x_and_shows_the_fork_adding(page, lab, artifacts):  # noqa: F811
    assert (CHAPTERS / AUTOGRAD).exists(), f"chapters/{AUTOGRAD} is missing"
    _open_and_run_all(page, lab, AUTOGRAD, ".backprop-stepper")
    stepper = page.locator(".backprop-stepper").first  # the chapter's first: L = x · x
    stepper.scroll_into_view_if_needed()
    _dismiss_news(page)
    # the drawing of the graph sits above the buttons, and has loaded
    picture = stepper.locator("img.stepper-graph")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")

    status = stepper.locator(".stepper-status")
    expect(status).to_have_text(re.compile(r"^step 0 of 6"))
    next_button = stepper.locator("button", has_text="next")
    seen = []
    for step in range(1, 7):
        next_button.click()
        expect(status).to_have_text(re.compile(rf"^step {step} of 6"), timeout=5_000)
        seen.append(stepper.inner_text())
    assert "x = 3" in seen[0] and "forward pass" in seen[0]
    assert "L = 9" in seen[1]
    assert "backward pass" in seen[2]
    # each use of x sends back 3: upstream 1 x local 3 = downstream 3
    for text in seen[3:5]:
        assert "upstream 1 × local 3 = downstream 3" in text
    # the fork adds them
    assert re.search(r"fork: 3 \+ 3 = 6", seen[5]), seen[5]
    table = stepper.locator("table.backprop-steps").last.inner_text()
    assert "3 + 3" in table and "dL/dx" in table
    assert next_button.is_disabled()

    stepper.locator("button", has_text="back").click()
    expect(status).to_have_text(re.compile(r"^step 5 of 6"), timeout=5_000)
    stepper.locator("button", has_text="reset").click()
    expect(status).to_have_text(re.compile(r"^step 0 of 6"), timeout=5_000)
    page.screenshot(path=str(artifacts / "lab-autograd-stepper.png"))
    stepper.screenshot(path=str(artifacts / "lab-autograd-stepper-widget.png"))
