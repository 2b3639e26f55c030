"""A stand-in for the browser's side of a Trainer's widgets, for ordering tests.

In JupyterLab each widget model sends its changes to the kernel as "update" messages, and
holds back any further change while one is still being processed (ipywidgets' per-model
throttle). So a setting changed twice, then play pressed, can reach the kernel as: the
first change, play, the second change. `FrontEnd` sends updates in whatever order a test
says, through ``set_state`` as the kernel does, and applies what the kernel sends back to
its own copy of the Play widget, which ticks as the browser's does (ipywidgets 8's
PlayModel: pressing play sets playing and the next value in one message).
"""

from __future__ import annotations


class FrontEnd:
    def __init__(self, trainer):
        self.trainer = trainer
        play = trainer.play
        self.playing, self.value = play.playing, play.value  # the browser's copy
        play._send = self._from_kernel  # what the kernel sends the Play widget's view

    def _from_kernel(self, msg, buffers=None):
        if msg["method"] == "update":  # echoes of our own changes change nothing here
            self.playing = msg["state"].get("playing", self.playing)
            self.value = msg["state"].get("value", self.value)

    def change(self, name: str, value) -> None:
        """The student's change to setting `name` reaches the kernel."""
        widget = self.trainer.control(name)
        if hasattr(widget, "index"):  # a dropdown sends the index of its choice
            self.update(widget, index=list(widget._options_values).index(value))
        else:
            self.update(widget, value=value)

    def update(self, widget, **state) -> None:
        widget.set_state(state)

    def press_play(self) -> None:
        """The play/pause button: toggles, and a start sends the first tick with it."""
        if self.playing:
            self.playing = False
            self.update(self.trainer.play, playing=False)
        else:
            self.playing, self.value = True, self.value + 1
            self.update(self.trainer.play, playing=True, value=self.value)

    def tick(self, times: int = 1) -> None:
        """The Play widget's timer, while the browser's copy is playing."""
        for _ in range(times):
            if self.playing:
                self.value += 1
                self.update(self.trainer.play, value=self.value)
