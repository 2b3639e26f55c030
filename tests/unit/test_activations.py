"""Activations: the identities the course derives, and a sigmoid that never overflows."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import backproplab as bp

finite = st.floats(-50, 50, allow_nan=False)


@given(finite)
def test_tanh_prime_is_one_minus_tanh_squared(z):
    assert np.isclose(bp.tanh_prime(z), 1 - np.tanh(z) ** 2, rtol=1e-12, atol=1e-15)


@given(finite)
def test_sigmoid_prime_is_sigma_times_one_minus_sigma(z):
    s = 1 / (1 + np.exp(-z))
    assert np.isclose(bp.sigmoid_prime(z), s * (1 - s), rtol=1e-9, atol=1e-15)


@given(st.floats(-20, 20))
def test_tanh_is_a_rescaled_sigmoid(z):
    assert np.isclose(bp.tanh(z), 2 * bp.sigmoid(2 * z) - 1, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", sorted(bp.ACTIVATIONS))
@given(z=st.floats(-8, 8).filter(lambda v: abs(v) > 1e-3))
def test_each_derivative_matches_central_differences(name, z):
    act = bp.get_activation(name)
    eps = 1e-6
    numeric = (act.fn(z + eps) - act.fn(z - eps)) / (2 * eps)
    assert np.isclose(act.prime(z), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(bp.ACTIVATIONS))
def test_derivative_from_output_equals_derivative_from_input(name):
    act = bp.get_activation(name)
    z = np.linspace(-7, 7, 141)
    np.testing.assert_allclose(act.prime_from_output(z, act.fn(z)), act.prime(z), atol=1e-15)


def test_sigmoid_is_finite_and_silent_for_huge_inputs():
    z = np.array([-1e6, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e6, -1e308, 1e308])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # numpy's warnings
        s = bp.sigmoid(z)
        ds = bp.sigmoid_prime(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ds))
    assert s[0] == 0.0 and s[-3] == 1.0 and s[3] == 0.5


def test_sigmoid_peaks_at_a_quarter_and_tanh_at_one():
    assert bp.sigmoid_prime(0.0) == 0.25
    assert bp.tanh_prime(0.0) == 1.0


def test_relu_derivative_is_zero_at_the_kink_and_step_elsewhere():
    np.testing.assert_array_equal(bp.relu_prime([-2.0, 0.0, 3.0]), [0.0, 0.0, 1.0])


def test_unknown_activation_lists_the_allowed_names():
    with pytest.raises(
        ValueError, match="activation.*'relu'.*'sigmoid'.*'tanh'|activation.*sigmoid"
    ):
        bp.get_activation("softplus")
    with pytest.raises(TypeError, match="activation"):
        bp.get_activation(3)
