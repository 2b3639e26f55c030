"""The draw-a-digit pad, driven without a browser."""

import base64

import numpy as np
import pytest

import backproplab as bp
from backproplab import draw


def uniform(x):
    """A stand-in model: ten equal probabilities for every image."""
    return np.full((len(x), 10), 0.1)


def centroid_model():
    """Nearest class mean on the digits: enough to read clean strokes."""
    d = bp.data.digits()
    means = np.stack([d.x[d.y == k].mean(axis=0) for k in range(10)])  # (10, 64)

    def predict(x):
        s = -3 * ((x[:, None, :] - means[None]) ** 2).sum(axis=-1)  # (n, 10)
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return predict


def test_a_blank_pad_shows_nothing_and_no_probabilities():
    pad = draw.DrawPad(uniform)
    assert not pad.image.any() and np.isnan(pad.probs).all()
    assert repr(pad) == "DrawPad(blank)"


def test_shrink_uses_the_datas_grey_levels_and_fills_the_grid():
    ink = np.zeros((256, 256))
    ink[20:60, 30:200] = 1  # a thick bar near the top left
    image = draw.shrink(ink)
    assert image.shape == (8, 8)
    assert image.min() >= 0 and image.max() <= 1
    np.testing.assert_allclose(image * 16, np.round(image * 16))  # counts of 0..16 dots
    # scaled to fill the width, centred: ink in every column, the middle rows
    assert image.any(axis=0).all()
    assert image[3:5].sum() > 0 and image[0].sum() == 0 and image[7].sum() == 0


def test_shrink_does_not_care_where_or_how_big_the_drawing_is():
    small, big = np.zeros((256, 256)), np.zeros((256, 256))
    small[10:50, 10:20] = 1  # a short stroke in a corner
    big[40:240, 100:150] = 1  # the same shape, five times larger, elsewhere
    np.testing.assert_allclose(draw.shrink(small), draw.shrink(big), atol=1 / 16)


def test_a_stroke_changes_the_preview_and_the_probabilities_sum_to_one():
    pad = draw.DrawPad(centroid_model())
    before = pad.preview.value
    pad.stroke([(128, 30), (128, 225)])  # a vertical line
    assert pad.image.any() and pad.preview.value != before
    assert pad.probs.sum() == pytest.approx(1.0)
    assert int(np.argmax(pad.probs)) == 1
    assert pad.bars.value.count('class="bp-prob"') == 10
    shown = [float(s.split('"')[0]) for s in pad.bars.value.split('data-p="')[1:]]
    assert sum(shown) == pytest.approx(1.0)


def test_a_seven_is_read_as_a_seven():
    pad = draw.DrawPad(centroid_model())
    pad.stroke([(70, 50), (190, 50), (110, 210)])
    assert int(np.argmax(pad.probs)) == 7


def test_the_mouse_handlers_draw_and_clear_empties_everything():
    pad = draw.DrawPad(uniform)
    pad._pen_down(100, 100)
    for x in range(100, 180, 5):
        pad._pen_move(x, 120)
    pad._pen_up()
    assert pad.ink.any() and pad.image.any()
    pad.clear_button.click()
    assert not pad.ink.any() and not pad.image.any() and np.isnan(pad.probs).all()
    assert 'data-p="nan"' in pad.bars.value


def test_moves_without_the_button_down_draw_nothing():
    pad = draw.DrawPad(uniform)
    pad._pen_move(50, 50)
    assert not pad.ink.any()


def test_strokes_off_the_canvas_are_clipped():
    pad = draw.DrawPad(uniform)
    pad.stroke([(-30, -30), (300, 300)])
    assert pad.ink[0, 0] and pad.ink[-1, -1]


def test_the_static_picture_is_a_png_beside_the_widget():
    pad = draw.DrawPad(uniform)
    pad.stroke([(60, 60), (200, 200)])
    bundle = pad._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_a_model_of_the_wrong_kind_is_named():
    with pytest.raises(TypeError, match="model"):
        draw.DrawPad("net")
    pad = draw.DrawPad(lambda x: np.ones((len(x), 3)) / 3)
    with pytest.raises(ValueError, match="10 probabilities"):
        pad.stroke([(10, 10), (100, 100)])


def test_shrink_names_bad_ink():
    with pytest.raises(ValueError, match="ink"):
        draw.shrink(np.zeros(10))


@pytest.fixture(scope="module")
def chapters_network():
    from backproplab.digits import PRESET, SIZES

    d = bp.data.digits()
    net = bp.DeepNetwork(SIZES, PRESET["activation"], seed=0, init=PRESET["init"], output="softmax")
    opts = {k: PRESET[k] for k in ("lr", "epochs", "optimizer")}
    bp.train(net, d.train.x, d.train.y, **opts)
    return net


@pytest.mark.parametrize(
    "digit, strokes",
    [
        (7, [[(70, 50), (190, 50), (110, 210)]]),
        (1, [[(128, 30), (128, 225)]]),
        (0, [[(128 + 70 * np.sin(t), 128 - 100 * np.cos(t)) for t in np.linspace(0, 6.3, 40)]]),
        (4, [[(150, 30), (70, 150), (190, 150)], [(160, 90), (160, 230)]]),
        (3, [[(80, 40), (170, 50), (120, 120), (180, 170), (90, 220)]]),
    ],
)
def test_clean_strokes_are_read_by_the_chapters_network(chapters_network, digit, strokes):
    """Shrunk the way the data were made, a plain drawing of a digit is read as that digit."""
    pad = draw.DrawPad(chapters_network)
    for stroke in strokes:
        pad.stroke(stroke)
    assert int(np.argmax(pad.probs)) == digit and pad.probs[digit] > 0.9, pad.probs.round(2)
    # drawn small, the same pen is thick after scaling: more ink in every block (the chapter's
    # "grey levels come from the pen")
    small = draw.DrawPad(chapters_network)
    for stroke in strokes:
        small.stroke([(20 + x / 3, 10 + y / 3) for x, y in stroke])
    assert small.image.sum() > pad.image.sum()
