"""bp.accuracy and bp.confusion_matrix: labels, probabilities, and their bad input."""

import numpy as np
import pytest

import backproplab as bp


def test_accuracy_is_the_fraction_of_right_labels():
    y = [0, 1, 2, 2, 1]
    assert bp.accuracy(y, [0, 1, 2, 2, 1]) == 1.0
    assert bp.accuracy(y, [0, 1, 1, 2, 0]) == pytest.approx(0.6)
    assert bp.accuracy(np.array(y), np.zeros(5, dtype=int)) == pytest.approx(0.2)
    assert isinstance(bp.accuracy(y, y), float)


def test_accuracy_reads_probabilities_as_a_network_predicts_them():
    y = np.array([0, 1, 1, 0])
    assert bp.accuracy(y, [0.2, 0.9, 0.5, 0.49]) == 1.0  # sigmoid: class 1 from p >= 0.5
    P = np.array([[0.7, 0.3], [0.1, 0.9], [0.4, 0.6], [0.2, 0.8]])  # softmax: the largest
    assert bp.accuracy(y, P) == pytest.approx(0.75)
    assert bp.accuracy(np.eye(2)[y], P) == pytest.approx(0.75)  # one-hot y too
    assert bp.accuracy([True, False], [1, 0]) == 1.0


def test_accuracy_of_a_trained_network_matches_its_classify():
    data = bp.data.gaussians(n=80, noise=0.8, seed=3)
    net = bp.DeepNetwork((2, 4, 1), "tanh", seed=0, output="sigmoid")
    bp.train(net, *data, lr=0.05, epochs=50, optimizer="adam")
    expected = np.mean(net.classify(data.x) == data.y)
    assert bp.accuracy(data.y, net.predict(data.x)) == expected
    assert bp.accuracy(data.y, net.classify(data.x)) == expected


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    y = [0, 0, 1, 2, 2, 2]
    pred = [0, 1, 1, 2, 0, 2]
    C = bp.confusion_matrix(y, pred)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert C.dtype == np.int64 and C.sum() == 6
    assert np.trace(C) / C.sum() == pytest.approx(bp.accuracy(y, pred))
    wide = bp.confusion_matrix(y, pred, m=4)
    assert wide.shape == (4, 4) and wide[3].sum() == wide[:, 3].sum() == 0
    np.testing.assert_array_equal(bp.confusion_matrix([1, 0], [0.8, 0.1]), [[1, 0], [0, 1]])


@pytest.mark.parametrize(
    "y, pred, error, words",
    [
        ([0, 1], [0, 1, 1], ValueError, "same length"),
        ([], [], ValueError, "empty"),
        ([0, 1.5], [0, 1], ValueError, "y must hold integer class labels"),
        ([0, -1], [0, 1], ValueError, "y must hold class labels 0, 1"),
        ([0, 1], [0, 1.5], ValueError, "pred must hold integer class labels or probabilities"),
        ([0, 1], [0, -2], ValueError, "pred must hold class labels"),
        ([0, 1], [0, np.nan], ValueError, "pred holds NaN"),
        ([0, 1], np.zeros((2, 2, 2)), ValueError, "pred must be labels"),
        ("01", [0, 1], TypeError, "y must be an array"),
        ([0, 1], None, TypeError, "pred must be an array"),
        ([0, 1], ["a", "b"], TypeError, "pred must be an array of numbers"),
    ],
)
def test_bad_labels_are_refused_naming_the_argument(y, pred, error, words):
    for fn in (bp.accuracy, bp.confusion_matrix):
        with pytest.raises(error) as info:
            fn(y, pred)
        assert words in str(info.value)


@pytest.mark.parametrize(
    "m, error", [(2, ValueError), (0, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_a_bad_number_of_classes_is_refused(m, error):
    with pytest.raises(error, match="m"):
        bp.confusion_matrix([0, 1, 2], [0, 1, 2], m=m)


def test_a_column_of_labels_or_probabilities_is_read_as_one_value_per_sample():
    """A sigmoid output's P is (n, 1) inside the network; argmax over one column would call
    every sample class 0 and report a wrong accuracy without a word."""
    y = np.array([0, 1, 1, 0])
    p = np.array([0.1, 0.9, 0.8, 0.3])
    assert bp.accuracy(y, p) == 1.0
    assert bp.accuracy(y[:, None], p) == bp.accuracy(y, p[:, None]) == 1.0
    assert np.array_equal(bp.confusion_matrix(y, p[:, None]), [[2, 0], [0, 2]])
