"""Play, pause and settings in the order a browser's messages can reach the kernel.

The reported bug: in JupyterLab, a setting changed just before play could reach the kernel
after play (its widget's message held back behind its previous one); the reset it starts
set `playing` to False, and the run stopped after one frame. `FrontEnd` (front_end.py)
replays such orders through the widgets' ``set_state``, as the kernel receives them. The
kernel handles one message at a time, so a message sent "during" a reset arrives after it.
"""

import pytest
from front_end import FrontEnd

from backproplab.playground import Playground
from backproplab.trainer import Trainer

# A setting of each kind per task (a dropdown, a slider), with two values to change it to.
CASES = [
    (Trainer, "activation", "relu", "tanh"),
    (Trainer, "hidden", 4, 6),
    (Playground, "dataset", "xor", "circles"),
    (Playground, "noise", 0.2, 0.1),
]
IDS = [f"{cls.__name__}-{name}" for cls, name, *_ in CASES]


@pytest.mark.parametrize("cls,name,first,second", CASES, ids=IDS)
def test_play_pressed_after_a_change_keeps_playing_when_the_change_arrives_late(
    cls, name, first, second
):
    trainer = cls(epochs_per_frame=3)
    browser = FrontEnd(trainer)
    browser.change(name, first)
    browser.press_play()  # reaches the kernel before the second change, held back
    browser.change(name, second)
    browser.tick(4)
    assert browser.playing and trainer.play.playing, "the late change's reset stopped play"
    assert trainer.history.epochs == 4 * 3  # the new settings' run, from epoch 0
    assert getattr(trainer.session, name) == second


@pytest.mark.parametrize("cls,name,first,second", CASES, ids=IDS)
def test_a_change_while_paused_stays_paused_and_one_while_playing_goes_on_afresh(
    cls, name, first, second
):
    trainer = cls(epochs_per_frame=3)
    browser = FrontEnd(trainer)
    browser.change(name, first)
    browser.tick(2)
    assert trainer.history.epochs == 0 and not browser.playing
    browser.press_play()
    browser.tick(2)
    assert trainer.history.epochs == 3 * 3
    browser.change(name, second)  # mid-run: a new network, and play goes on
    assert trainer.history.epochs == 0 and browser.playing and trainer.play.playing
    browser.tick()
    assert trainer.history.epochs == 3


@pytest.mark.parametrize("cls", [Trainer, Playground])
def test_the_reset_button_starts_afresh_and_leaves_play_as_it_was(cls):
    trainer = cls(epochs_per_frame=2)
    browser = FrontEnd(trainer)
    browser.press_play()
    trainer.reset_button.click()
    browser.tick(3)
    assert browser.playing and trainer.history.epochs == 3 * 2
    browser.press_play()  # pause
    trainer.reset_button.click()
    browser.tick(3)
    assert not browser.playing and trainer.history.epochs == 0


@pytest.mark.parametrize("cls", [Trainer, Playground])
def test_pause_pressed_while_a_tick_is_in_flight_stops_after_that_tick(cls):
    trainer = cls(epochs_per_frame=2)
    browser = FrontEnd(trainer)
    browser.press_play()
    browser.tick()  # sent before pause was pressed: the kernel trains it
    browser.press_play()  # pause
    assert trainer.history.epochs == 2 * 2
    assert not browser.playing and not trainer.play.playing
    browser.tick(3)
    assert trainer.history.epochs == 2 * 2


@pytest.mark.parametrize("cls", [Trainer, Playground])
def test_a_tick_held_back_with_the_pause_in_one_message_trains_nothing(cls):
    """While the kernel draws a frame, the browser merges the next tick and the pause."""
    trainer = cls(epochs_per_frame=2)
    browser = FrontEnd(trainer)
    browser.press_play()
    browser.playing = False
    browser.update(trainer.play, value=browser.value + 1, playing=False)
    assert trainer.history.epochs == 2 and not trainer.play.playing
    browser.tick(2)
    assert trainer.history.epochs == 2


@pytest.mark.parametrize("cls,name,first,second", CASES[::2], ids=IDS[::2])
def test_pause_then_a_late_change_stays_paused(cls, name, first, second):
    trainer = cls(epochs_per_frame=2)
    browser = FrontEnd(trainer)
    browser.press_play()
    browser.press_play()  # pause, then the change's message
    browser.change(name, first)
    browser.tick(2)
    assert not browser.playing and not trainer.play.playing and trainer.history.epochs == 0
