"""The widgets in real JupyterLab: open the chapters, run them, press the buttons.

A JupyterLab server from the project's environment runs on 127.0.0.1 (free port, random
token) over a temporary copy of chapters/; Debian's Chromium drives it through Playwright.
Screenshots are saved to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "chapters"
JUPYTER = Path(sys.executable).with_name("jupyter")
TRAINING = "07-training.ipynb"
BACKPROP = "05-backprop.ipynb"
STATUS = re.compile(r"epoch (\d+) · training loss ([0-9.e+-]+)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a copy of the chapters; always shut down afterwards."""
    for name in (TRAINING, BACKPROP):
        assert (CHAPTERS / name).exists(), f"chapters/{name} is missing"
    home = tmp_path_factory.mktemp("lab")
    shutil.copytree(CHAPTERS, home / "chapters")
    port, token = _free_port(), secrets.token_hex(16)
    env = os.environ | {
        # settings, workspaces and runtime files of this server stay in the temp dir
        "JUPYTER_CONFIG_DIR": str(home / ".config"),
        "JUPYTER_RUNTIME_DIR": str(home / ".runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / ".settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / ".workspaces"),
        "PYTHONUNBUFFERED": "1",
    }
    log = open(home / "server.log", "w")  # noqa: SIM115 -- closed below
    proc = subprocess.Popen(
        [
            str(JUPYTER), "lab", "--allow-root", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={home}", "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited early:\n{(home / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    json.load(r)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer /api/status within 60 s")
                time.sleep(0.3)
        yield {"base": base, "token": token, "home": home}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def _open_and_run_all(page, lab, notebook: str, widget: str):
    """Open a chapter in JupyterLab, run every cell, and wait for `widget` to render."""
    url = f"{lab['base']}/lab/tree/chapters/{notebook}?reset&token={lab['token']}"
    page.goto(url)
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    # wait for the kernel, then Run > Run All Cells
    page.wait_for_function(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const kernel = panel && panel.sessionContext && panel.sessionContext.session
                && panel.sessionContext.session.kernel;
            return kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
        }""",
        timeout=60_000,
    )
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector(widget, state="visible", timeout=90_000)


def _dismiss_news(page):
    """JupyterLab asks once whether to fetch its news; answer so the toast covers nothing."""
    no = page.locator(".jp-toast-button, .jp-Notification-Toast button", has_text="No")
    if no.count():
        no.first.click()


def _status(page, trainer):
    text = trainer.locator(".bp-status").inner_text()
    match = STATUS.search(text)
    return (int(match.group(1)), float(match.group(2))) if match else (0, float("inf"))


def test_trainer_plays_in_jupyterlab_and_pause_stops_it(page, lab, artifacts):
    _open_and_run_all(page, lab, TRAINING, ".bp-trainer")
    # the chapter's Trainer cells run to the end (the recommended preset is the last one)
    page.wait_for_function(
        "document.querySelectorAll('.bp-trainer .bp-status').length >= 1", timeout=60_000
    )
    # the chapter's Trainer at the recommended preset (tanh, Adam), else its last Trainer
    trainers = page.locator(".bp-trainer")
    selects = [
        trainers.nth(i).evaluate("el => [...el.querySelectorAll('select')].map(s => s.value)")
        for i in range(trainers.count())
    ]
    recommended = [i for i, values in enumerate(selects) if {"tanh", "adam"} <= set(values)]
    trainer = trainers.nth(recommended[-1] if recommended else trainers.count() - 1)
    trainer.scroll_into_view_if_needed()
    assert _status(page, trainer)[0] == 0
    image = trainer.locator("img").first
    first_png = image.get_attribute("src")

    _dismiss_news(page)
    trainer.locator(".widget-play button").first.click()  # play
    start = time.monotonic()
    seen = []
    floor_after = None
    while time.monotonic() - start < 20:
        epoch, loss = _status(page, trainer)
        if epoch and (not seen or seen[-1][0] != epoch):
            seen.append((epoch, loss))
        text = trainer.locator(".bp-status").inner_text()
        if floor_after is None and "within 1.2× the floor" in text:
            floor_after = time.monotonic() - start
        if len(seen) >= 3 and (floor_after is not None or not recommended):
            break
        time.sleep(0.1)
    page.screenshot(path=str(artifacts / "lab-trainer-playing.png"))
    trainer.screenshot(path=str(artifacts / "lab-trainer-widget.png"))
    assert len(seen) >= 3, f"the epoch counter did not rise: {seen}"
    assert seen[-1][0] > seen[0][0]
    assert seen[-1][1] < seen[0][1], f"the loss did not fall: {seen}"
    assert image.get_attribute("src") != first_png, "the picture was not redrawn"
    if recommended:  # bp.RECOMMENDED reaches the floor live, within seconds
        assert floor_after is not None, f"never within 1.2x the noise floor: {seen[-3:]}"
        (artifacts / "lab-trainer-time-to-floor.txt").write_text(
            f"recommended preset, JupyterLab + Chromium: within 1.2x the noise floor "
            f"{floor_after:.1f} s after pressing play (epochs seen: {seen[-1][0]})\n"
        )

    trainer.locator(".widget-play button").first.click()  # the same button pauses, mid-run
    time.sleep(0.5)  # ticks already queued drain
    paused_at = _status(page, trainer)[0]
    time.sleep(1.0)
    assert _status(page, trainer)[0] == paused_at, "pause did not stop training"
    assert paused_at < 1000, "the run ended before pause could be tested"


def test_stepper_next_walks_through_backprop_in_jupyterlab(page, lab, artifacts):
    _open_and_run_all(page, lab, BACKPROP, ".backprop-stepper")
    stepper = page.locator(".backprop-stepper").first
    stepper.scroll_into_view_if_needed()
    _dismiss_news(page)
    status = stepper.locator(".stepper-status")
    assert status.inner_text().startswith("step 0 of 14")
    next_button = stepper.locator("button", has_text="next")
    for step in range(1, 15):
        next_button.click()
        expect(status).to_have_text(re.compile(rf"^step {step} of 14"), timeout=5_000)
        if step == 3:
            assert "f" in stepper.locator("table").first.inner_text()
    table = stepper.locator("table.backprop-steps").last.inner_text()
    assert "dL/db1" in table and "downstream" in table
    detail = stepper.inner_text()
    assert "upstream" in detail and "local" in detail and "downstream" in detail
    assert next_button.is_disabled()
    page.screenshot(path=str(artifacts / "lab-stepper.png"))
    stepper.screenshot(path=str(artifacts / "lab-stepper-widget.png"))
