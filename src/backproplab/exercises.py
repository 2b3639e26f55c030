"""Checkers for the exercises students complete, and the network with a planted bug (chapter 6).

Every ``check_*`` function tests a student's answer on fresh random inputs of several sizes
against the package's reference implementation. It never raises: it prints one line that
starts with "✓" and returns True, or prints what is wrong (which entry, the expected and the
actual value, and a diagnosis when the mistake is a common one) and returns False.
A stub that is not filled in yet gets a kind "not implemented yet" line instead.

    import backproplab as bp
    bp.exercises.check_sigmoid_prime(sigmoid_prime)
"""

from __future__ import annotations

import dis
import functools
import itertools
import numbers
import os
import sys
import traceback
import warnings

import numpy as np

from .activations import sigmoid, sigmoid_prime, tanh_prime
from .data import NOISE, NOISE_FLOOR, bump, bump_data
from .gradcheck import relative_error
from .network import PARAM_NAMES, Network
from .training import train

#: The noise scale the source homework adds where b2 belongs (the bug of chapter 6).
S = 0.5
#: Epochs that check_learning_rate trains for (tanh, k = 10, full-batch GD, seed 0).
#: Measured on bump_data(seed=0): every lr from about 0.13 to 0.33 reaches LR_TARGET
#: within these epochs (0.3 at epoch ~1,200); below, the loss is still too high; from
#: about 0.34 up, training diverges. The window has no holes at a 0.001 grid.
LR_EPOCHS = 2500
#: The training loss check_learning_rate asks for: 1.5 x the noise floor.
LR_TARGET = 1.5 * NOISE_FLOOR
#: Relative error below which an answer counts as right.
TOL = 1e-6

#: Sizes the gradient checkers try, first to last: (k hidden units, n samples). The first
#: has n > 2 and k > 1, so the diagnoses ("x n", "x 2", "transposed") cannot coincide.
SIZES = ((3, 7), (10, 50), (1, 1), (10, 1), (1, 50))

_calls = itertools.count()


class _NotYet(Exception):
    """Internal: the student's code is still the stub."""


class _Wrong(Exception):
    """Internal: the answer is wrong; args hold the lines to print."""


class BuggyNetwork(Network):
    """A Network whose forward pass adds the noise scale S where b2 belongs.

    Its gradients still follow the correct formulas (they are inherited), so they no longer
    match the loss it computes: ``bp.grad_check(BuggyNetwork(), x, y)`` flags b2, whose
    numerical gradient is 0 because b2 never reaches the output.
    """

    def _forward(self, x):
        p = self._params
        z = x[:, None] * p["w1"] + p["b1"]  # (n, k)
        h = self.activation.fn(z)  # (n, k)
        f = h @ p["w2"] + S  # the bug: the homework's `+ s` where `+ b2` belongs
        return z, h, f

    def __repr__(self) -> str:
        return "Buggy" + super().__repr__()


# --------------------------------------------------------------------------------------
# Machinery shared by the checkers
# --------------------------------------------------------------------------------------
def _rng(seed):
    """A generator that differs on every call (so answers cannot be hard-coded) yet is seeded."""
    if seed is None:
        seed = [20260, next(_calls)]
    return np.random.default_rng(seed)


def _checker(name, todo=None):
    """Wrap a checker: print the verdict, return True/False, and never raise.

    name heads every failure line; todo is the subject of the "not implemented yet" line.
    """
    todo = todo or f"{name} is"

    def wrap(body):
        @functools.wraps(body)
        def checker(*args, **kwargs):
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    ok_line = body(*args, **kwargs)
                print(f"✓ {ok_line}")
                return True
            except _NotYet:
                print(
                    f"… {todo} not implemented yet — fill in the cell above and run it "
                    "again (the rest of the chapter works without it)."
                )
            except _Wrong as wrong:
                print(
                    "\n".join(
                        f"✗ {name}: {line}" if i == 0 else f"  {line}"
                        for i, line in enumerate(wrong.args)
                    )
                )
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as err:  # a bug in the checker must not look like the student's
                print(f"✗ {name}: the checker could not finish ({type(err).__name__}: {err}).")
            return False

        return checker

    return wrap


def _is_stub(fn) -> bool:
    """True for a function whose body does nothing: only `...`, `pass` or a docstring."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    trivial = {"RESUME", "NOP", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST", "CACHE"}
    for ins in dis.get_instructions(code):
        if ins.opname not in trivial:
            return False
        if ins.opname in ("LOAD_CONST", "RETURN_CONST") and ins.argval is not None:
            return False
    return True


def _require_function(fn, name, signature):
    if fn is Ellipsis:
        raise _NotYet
    if fn is None:
        raise _Wrong(f"got None instead of your function; pass the function itself: {signature}")
    if not callable(fn):
        raise _Wrong(f"expected your function {signature}, got {type(fn).__name__} {_short(fn)}")


def _short(value, width=60) -> str:
    try:
        text = repr(value)
    except BaseException:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= width else text[: width - 3] + "..."


def _call(fn, args, name, signature, where):
    """Call the student's function; turn its exceptions into readable verdicts."""
    try:
        out = fn(*args)
    except (KeyboardInterrupt, SystemExit):
        raise
    except NotImplementedError:
        raise _NotYet from None
    except BaseException as err:
        lines = [f"it raised {type(err).__name__}: {err}  ({where})"]
        # Quote the student's line, not one inside numpy or this package.
        library = (sys.prefix, sys.base_prefix, os.path.dirname(__file__))
        frames = [
            frame
            for frame in traceback.extract_tb(err.__traceback__)[1:]  # [0] is this function
            if not frame.filename.startswith(library)
        ]
        if frames and frames[-1].line:
            lines.append(f"at line {frames[-1].lineno}: {frames[-1].line.strip()}")
        if isinstance(err, TypeError) and "argument" in str(err):
            lines.append(f"check the signature: {signature}")
        raise _Wrong(*lines) from None
    if out is None:
        if _is_stub(fn):
            raise _NotYet
        raise _Wrong(f"it returned None ({where}); did you forget the `return` line?")
    if _holds_ellipsis(out):
        raise _NotYet
    return out


def _call_xy(fn, x, y, params, name, signature, where):
    """Call fn(x, y, params) on copies, and complain if it changed them."""
    args = (x.copy(), y.copy(), _copies(params))
    out = _call(fn, args, name, signature, where)
    _unchanged(
        {"x": x, "y": y, "params": params}, dict(x=args[0], y=args[1], params=args[2]), where
    )
    return out


def _holds_ellipsis(value) -> bool:
    if value is Ellipsis:
        return True
    if isinstance(value, dict):
        return any(v is Ellipsis for v in value.values())
    if isinstance(value, (tuple, list)):
        return any(_holds_ellipsis(v) for v in value)
    return False


def _unchanged(before: dict, after: dict, where):
    """Complain when the student's function changed one of its inputs in place."""

    def same(now, original) -> bool:
        try:
            return bool(np.array_equal(np.asarray(now), original))
        except Exception:  # replaced by something that is not even an array
            return False

    for label, original in before.items():
        now = after[label]
        if isinstance(original, dict):
            if not isinstance(now, dict):
                bad = [""]
            else:
                bad = [k for k, v in original.items() if k not in now or not same(now[k], v)]
        else:
            bad = [] if same(now, original) else [""]
        if bad:
            what = f"{label}[{bad[0]!r}]" if bad[0] else label
            raise _Wrong(
                f"your function changed its input {what} in place ({where}); "
                "compute new arrays instead (e.g. `w - lr * g`, not `w -= lr * g`), "
                "or copy before changing"
            )


def _fmt(v) -> str:
    return f"{float(v):.6g}"


def _entry(arr, idx) -> str:
    return "" if arr.ndim == 0 else "[" + ", ".join(str(i) for i in idx) + "]"


def _as_numbers(label, value, where):
    if value is Ellipsis:
        raise _NotYet
    if value is None:
        raise _Wrong(f"{label} is None ({where}); did you forget to compute or return it?")
    if callable(value) and not isinstance(value, np.ndarray):
        raise _Wrong(f"{label} is a function, not numbers ({where}); did you forget to call it?")
    try:
        arr = np.asarray(value)
        if np.iscomplexobj(arr):
            raise _Wrong(f"{label} holds complex numbers ({where}); it should be real")
        return arr.astype(np.float64)
    except _Wrong:
        raise
    except Exception:
        raise _Wrong(
            f"{label} should be numbers, got {type(value).__name__} {_short(value)} ({where})"
        ) from None


def _shape_hint(actual, expected, variants):
    """Explain a shape mismatch, recognising transposes, keepdims and forgotten sums."""
    a, e = actual, expected
    got, want = a.shape, e.shape
    desc = "a scalar, shape ()" if want == () else f"shape {want}"
    lines = [f"it has shape {got}, expected {desc}"]
    if a.ndim >= 2 and got == want[::-1] and relative_error(a.T, e) <= TOL:
        lines.append("diagnosis: transposed — the values are right, the axes are swapped (.T)")
    elif a.size == e.size and a.size > 0 and relative_error(a.reshape(e.shape), e) <= TOL:
        if want == ():
            lines.append(
                "diagnosis: the value is right but wrapped in an array; return a scalar "
                "(sum without keepdims, or float(...))"
            )
        elif a.ndim == 2 and 1 in got:
            lines.append(
                "diagnosis: a row or column vector — the values are right; make it 1-D "
                "(.ravel(), or avoid [:, None] / keepdims=True)"
            )
        else:
            lines.append("diagnosis: the values are right but arranged in the wrong shape")
    elif a.ndim == len(want) + 1 and a.shape[1:] == want and a.shape[0] > 1:
        summed = a.sum(axis=0)
        if relative_error(summed, e) <= TOL:
            lines.append(
                "diagnosis: one row per sample — sum over the samples (axis 0) to get the "
                "gradient of the whole batch"
            )
        else:
            lines.append(
                "diagnosis: one row per sample — the gradient of a batch sums (or averages) "
                "over the samples"
            )
    elif a.ndim == 0 and want != ():
        if relative_error(a, e.sum()) <= TOL:
            lines.append(
                "diagnosis: this is the sum of the right entries — you summed over the "
                "hidden units too; keep one value per unit"
            )
        else:
            lines.append("diagnosis: a single number where one value per entry is needed")
    elif a.ndim == 2 and got[0] == got[1] and want != () and got[0] == want[0]:
        lines.append(
            "diagnosis: a square matrix — probably an outer product (or broadcasting a "
            "(k,) against a (k, 1)) where a matrix-vector product belongs"
        )
    else:
        for text, alt in variants:
            alt = np.asarray(alt, dtype=np.float64)
            if alt.shape == got and relative_error(a, alt) <= TOL:
                lines.append(f"diagnosis: {text}")
                break
    return lines


def _compare(label, actual, expected, where, variants=(), formula=""):
    """Raise _Wrong unless `actual` equals `expected` (relative error <= TOL).

    variants: (diagnosis, wrong answer) pairs recognised in the order given.
    """
    e = np.asarray(expected, dtype=np.float64)
    a = _as_numbers(label, actual, where)
    if a.shape != e.shape:
        raise _Wrong(f"{label} has the wrong shape ({where})", *_shape_hint(a, e, variants))
    bad = ~np.isfinite(a)
    if bad.any():
        idx = np.unravel_index(int(np.argmax(bad)), a.shape) if a.ndim else ()
        raise _Wrong(
            f"{label} holds NaN or inf ({where})",
            f"entry {label}{_entry(a, idx)}: expected {_fmt(e[idx])}, got {a[idx]}",
            "diagnosis: NaN or inf — look for an overflow (np.exp of a large number), a "
            "division by zero, or a NaN that came in from an earlier step",
        )
    if relative_error(a, e) <= TOL or np.max(np.abs(a - e), initial=0.0) <= 1e-12:
        return
    idx = np.unravel_index(int(np.argmax(np.abs(a - e))), a.shape) if a.ndim else ()
    lines = [
        f"{label} is wrong ({where})",
        f"entry {label}{_entry(a, idx)}: expected {_fmt(e[idx])}, got {_fmt(a[idx])}",
    ]
    for text, alt in variants:
        alt = np.asarray(alt, dtype=np.float64)
        if alt.shape == e.shape and relative_error(alt, e) > TOL and relative_error(a, alt) <= TOL:
            lines.append(f"diagnosis: {text}")
            break
    else:
        scale = float(np.vdot(a, e) / np.vdot(e, e)) if np.vdot(e, e) > 0 else 0.0
        if scale != 0.0 and relative_error(a, scale * e) <= TOL:
            lines.append(f"diagnosis: every entry is {scale:.4g} × the right value")
        elif formula:
            lines.append(f"no common mistake recognised; compare term by term with {formula}")
    raise _Wrong(*lines)


def _scaled(bases, n=None):
    """Wrong answers: each (mistake, array) base times the usual slips of sign and factor.

    With n given (gradients of the MEAN squared error) the factors are explained by the
    2 from the square and the 1/n of the mean, and include n and 1/n.
    """
    if n is None:
        sign_text = "wrong sign"
        factors = [(1.0, ""), (2.0, "twice the right value"), (0.5, "half the right value")]
    else:
        sign_text = "wrong sign — the residual is f − y, not y − f (or a minus sign slipped)"
        factors = [
            (1.0, ""),
            (2.0, "twice the right value: the 2 from the square counted twice"),
            (0.5, "half the right value: you forgot the 2 that comes down from the square"),
        ]
        if n > 2:
            factors += [
                (float(n), "n × too large: you forgot to divide by n — the loss is the MEAN"),
                (
                    n / 2.0,
                    "n/2 × too large: you forgot both the 1/n of the mean and the 2 "
                    "from the square",
                ),
                (1.0 / n, "n × too small: you divided by n twice"),
            ]
    out = []
    for mistake, base in bases:
        base = np.asarray(base, dtype=np.float64)
        for sign, stext in ((1.0, ""), (-1.0, sign_text)):
            for factor, ftext in factors:
                parts = [t for t in (mistake, stext, ftext) if t]
                if parts:
                    out.append(("; and ".join(parts), sign * factor * base))
    return out


def _problem(rng, k, n):
    """Random data and parameters, and the reference forward and backward pass."""
    x = rng.uniform(-1.0, 1.0, n)
    y = bump(x) + NOISE * rng.standard_normal(n)
    params = {
        "w1": rng.normal(0.0, 2.0, k),
        "b1": rng.normal(0.0, 1.0, k),
        "w2": rng.normal(0.0, 1.0, k),
        "b2": np.array(rng.normal(0.0, 0.5)),
    }
    net = Network(hidden=k, activation="sigmoid", seed=0)
    net.params = {name: v.copy() for name, v in params.items()}
    loss, grads = net.loss_and_grads(x, y)
    z, h, f = net.forward(x)
    return x, y, params, net, loss, grads, (z, h, f)


def _copies(params):
    return {name: np.array(v, dtype=np.float64) for name, v in params.items()}


def _where(k, n):
    return f"k = {k} hidden unit{'s' * (k != 1)}, n = {n} sample{'s' * (n != 1)}"


def _pair(out, names, where, what):
    """Unpack a returned pair, or a dict holding the named entries."""
    if isinstance(out, dict) and all(nm in out for nm in names):
        return tuple(out[nm] for nm in names)
    if isinstance(out, (tuple, list)) and len(out) == 2:
        return tuple(out)
    got = (
        f"{type(out).__name__} of length {len(out)}"
        if isinstance(out, (tuple, list))
        else (f"{type(out).__name__} {_short(out)}")
    )
    raise _Wrong(f"it should return two values, {what}, got a {got} ({where})")


def _sizes_text():
    ks = sorted({k for k, _ in SIZES})
    ns = sorted({n for _, n in SIZES})
    return f"k = {', '.join(map(str, ks))}; n = {', '.join(map(str, ns))}"


# --------------------------------------------------------------------------------------
# Chapter 3: the four gradients
# --------------------------------------------------------------------------------------
def _top_variants(x, y, params, zhf, n):
    """Recognised mistakes for dL/dw2 and dL/db2."""
    z, h, f = zhf
    d = (2.0 / n) * (f - y)  # dL/df, (n,)
    w2 = _scaled(
        [
            ("", d @ h),
            ("used z instead of h = σ(z): ∂f/∂w2 is h", d @ z),
            ("used σ′(z) where h = σ(z) belongs: ∂f/∂w2 is h", d @ sigmoid_prime(z)),
            ("multiplied by x: ∂f/∂w2 is h, with no x in it", (d * x) @ h),
        ],
        n,
    )
    b2 = _scaled(
        [
            ("", d.sum()),
            ("multiplied by x: ∂f/∂b2 = 1, with no x in it", d @ x),
            ("multiplied by h: that is ∂L/∂w2's factor; ∂f/∂b2 = 1", (d @ h).sum()),
        ],
        n,
    )
    return w2, b2


def _hidden_variants(x, y, params, zhf, n):
    """Recognised mistakes for dL/dw1 and dL/db1."""
    z, h, f = zhf
    d = (2.0 / n) * (f - y)
    w2 = params["w2"]
    up = d[:, None] * w2  # dL/dh, (n, k)
    dz = up * h * (1.0 - h)
    wrong_dz = [
        ("", dz),
        ("forgot the σ′ factor: ∂h/∂z = σ′(z) = h(1 − h) belongs in the product", up),
        ("used σ(z) where σ′(z) = σ(z)(1 − σ(z)) belongs", up * h),
        ("applied σ′ to h = σ(z) instead of to z", up * sigmoid_prime(h)),
        ("forgot the w2 factor: ∂f/∂h = w2", d[:, None] * h * (1.0 - h)),
    ]
    w1 = _scaled([(m, x @ g) for m, g in wrong_dz], n)
    w1 += _scaled(
        [
            ("forgot the x factor: ∂z/∂w1 = x" + (f" — and {m}" if m else ""), g.sum(axis=0))
            for m, g in wrong_dz
        ],
        n,
    )
    b1 = _scaled([(m, g.sum(axis=0)) for m, g in wrong_dz], n)
    b1 += _scaled([("multiplied by x: ∂z/∂b1 = 1, so there is no x in ∂L/∂b1", x @ dz)], n)
    return w1, b1


_W2_FORMULA = "∂L/∂w2 = Hᵀ δ_f with δ_f = (2/n)(f − y) (chapter 3)"
_B2_FORMULA = "∂L/∂b2 = Σ_j (2/n)(f_j − y_j) (chapter 3)"
_W1_FORMULA = "∂L/∂w1 = Δᵀ x with Δ = (δ_f w2ᵀ) ⊙ σ′(Z) (chapter 3)"
_B1_FORMULA = "∂L/∂b1 = Δᵀ 1, the column sums of Δ (chapter 3)"


@_checker("grad_w2_b2")
def check_grad_w2_b2(grad_w2_b2, seed=None):
    """Check grad_w2_b2(x, y, params) -> (dL_dw2 of shape (k,), dL_db2 a scalar)."""
    sig = "grad_w2_b2(x, y, params) -> (dL_dw2, dL_db2)"
    _require_function(grad_w2_b2, "grad_w2_b2", sig)
    rng = _rng(seed)
    for k, n in SIZES:
        x, y, params, _, _, grads, zhf = _problem(rng, k, n)
        where = _where(k, n)
        out = _call_xy(grad_w2_b2, x, y, params, "grad_w2_b2", sig, where)
        dw2, db2 = _pair(out, ("w2", "b2"), where, "(dL_dw2, dL_db2)")
        if k > 1 and np.shape(dw2) == () and np.shape(db2) == (k,):
            raise _Wrong(
                f"the two values look swapped ({where}): return (dL_dw2, dL_db2), the (k,) "
                "array first and the number second"
            )
        w2_var, b2_var = _top_variants(x, y, params, zhf, n)
        _compare("dL_dw2", dw2, grads["w2"], where, w2_var, _W2_FORMULA)
        _compare("dL_db2", db2, grads["b2"], where, b2_var, _B2_FORMULA)
    return f"grad_w2_b2 is right on {len(SIZES)} random problems ({_sizes_text()})."


@_checker("grad_w1_b1")
def check_grad_w1_b1(grad_w1_b1, seed=None):
    """Check grad_w1_b1(x, y, params) -> (dL_dw1 of shape (k,), dL_db1 of shape (k,))."""
    sig = "grad_w1_b1(x, y, params) -> (dL_dw1, dL_db1)"
    _require_function(grad_w1_b1, "grad_w1_b1", sig)
    rng = _rng(seed)
    for k, n in SIZES:
        x, y, params, _, _, grads, zhf = _problem(rng, k, n)
        where = _where(k, n)
        out = _call_xy(grad_w1_b1, x, y, params, "grad_w1_b1", sig, where)
        dw1, db1 = _pair(out, ("w1", "b1"), where, "(dL_dw1, dL_db1)")
        w1_var, b1_var = _hidden_variants(x, y, params, zhf, n)
        _compare("dL_dw1", dw1, grads["w1"], where, w1_var, _W1_FORMULA)
        _compare("dL_db1", db1, grads["b1"], where, b1_var, _B1_FORMULA)
    return f"grad_w1_b1 is right on {len(SIZES)} random problems ({_sizes_text()})."


@_checker("loss_and_grads")
def check_loss_and_grads(loss_and_grads, seed=None):
    """Check loss_and_grads(x, y, params) -> (loss, {"w1", "b1", "w2", "b2": gradients})."""
    sig = 'loss_and_grads(x, y, params) -> (loss, {"w1": ..., "b1": ..., "w2": ..., "b2": ...})'
    _require_function(loss_and_grads, "loss_and_grads", sig)
    rng = _rng(seed)
    for k, n in SIZES:
        x, y, params, _, loss, grads, zhf = _problem(rng, k, n)
        where = _where(k, n)
        out = _call_xy(loss_and_grads, x, y, params, "loss_and_grads", sig, where)
        got_loss, got_grads = _pair(out, ("loss", "grads"), where, "(loss, grads)")
        r = zhf[2] - y
        loss_var = [
            ("the sum of squares, not the mean: divide by n", np.sum(r * r)),
            ("half the mean: the course's loss has no ½ in front", 0.5 * loss),
            ("the root of the mean square: the loss is not square-rooted", np.sqrt(loss)),
            ("the mean of |f − y|: the residuals must be squared", np.mean(np.abs(r))),
            ("the mean of f − y: the residuals must be squared", np.mean(r)),
        ]
        _compare("loss", got_loss, loss, where, loss_var, "L = (1/n) Σ_j (f(x_j) − y_j)²")
        if _holds_ellipsis(got_grads):
            raise _NotYet
        if not isinstance(got_grads, dict):
            raise _Wrong(
                f"the second value should be a dict of gradients with keys {PARAM_NAMES}, "
                f"got {type(got_grads).__name__} {_short(got_grads)} ({where})"
            )
        missing = [nm for nm in PARAM_NAMES if nm not in got_grads]
        if missing:
            raise _Wrong(
                f"the gradient dict is missing {', '.join(map(repr, missing))} ({where}); "
                f"it needs the keys {PARAM_NAMES}, got {sorted(map(str, got_grads))}"
            )
        w2_var, b2_var = _top_variants(x, y, params, zhf, n)
        w1_var, b1_var = _hidden_variants(x, y, params, zhf, n)
        for name, var, formula in (
            ("w1", w1_var, _W1_FORMULA),
            ("b1", b1_var, _B1_FORMULA),
            ("w2", w2_var, _W2_FORMULA),
            ("b2", b2_var, _B2_FORMULA),
        ):
            _compare(f'grads["{name}"]', got_grads[name], grads[name], where, var, formula)
    return f"loss_and_grads is right on {len(SIZES)} random problems ({_sizes_text()})."


# --------------------------------------------------------------------------------------
# Chapter 4: derivatives of the activations
# --------------------------------------------------------------------------------------
_Z_SHAPES = ((7,), (1,), (50,), (3, 4))


def _check_prime(fn, name, expected_fn, variant_fn, formula, seed):
    sig = f"{name}(z) -> array shaped like z"
    _require_function(fn, name, sig)
    rng = _rng(seed)
    for shape in _Z_SHAPES:
        z = rng.normal(0.0, 3.0, shape)
        where = f"z of shape {shape}"
        arg = z.copy()
        out = _call(fn, (arg,), name, sig, where)
        _unchanged({"z": z}, {"z": arg}, where)
        _compare(f"{name}(z)", out, expected_fn(z), where, variant_fn(z), formula)
    shapes = ", ".join(str(s) for s in _Z_SHAPES)
    return f"{name} is right on {len(_Z_SHAPES)} random arrays (shapes {shapes})."


def _sigmoid_prime_variants(z):
    s = sigmoid(z)
    return _scaled(
        [
            ("", s * (1 - s)),
            ("this is σ(z) itself, not its derivative σ(z)(1 − σ(z))", s),
            (
                "applied the formula to z instead of σ(z): σ′(z) = σ(z)(1 − σ(z)), not z(1 − z)",
                z * (1 - z),
            ),
            ("this is 1 − σ(z); multiply it by σ(z)", 1 - s),
            ("this is σ(z)²; the derivative is σ(z)(1 − σ(z))", s * s),
            ("this is σ(z)(1 + σ(z)); the second factor is 1 − σ(z)", s * (1 + s)),
        ]
    )


def _tanh_prime_variants(z):
    t = np.tanh(z)
    return _scaled(
        [
            ("", 1 - t * t),
            ("this is tanh(z) itself, not its derivative 1 − tanh²(z)", t),
            ("applied the formula to z instead of tanh(z): 1 − tanh²(z), not 1 − z²", 1 - z * z),
            ("this is 1 − tanh(z): the tanh must be squared", 1 - t),
            ("this is 1 + tanh²(z); the square is subtracted: 1 − tanh²(z)", 1 + t * t),
            ("this is σ′(z), the sigmoid's derivative; use tanh", sigmoid_prime(z)),
            ("this is 1 − σ(z)²: the formula needs tanh, not σ", 1 - sigmoid(z) ** 2),
        ]
    )


@_checker("sigmoid_prime")
def check_sigmoid_prime(sigmoid_prime_fn, seed=None):
    """Check a student's sigmoid_prime(z) = σ(z)(1 − σ(z)) on random arrays of several shapes."""
    return _check_prime(
        sigmoid_prime_fn,
        "sigmoid_prime",
        sigmoid_prime,
        _sigmoid_prime_variants,
        "σ′(z) = σ(z)(1 − σ(z))",
        seed,
    )


@_checker("tanh_prime")
def check_tanh_prime(tanh_prime_fn, seed=None):
    """Check a student's tanh_prime(z) = 1 − tanh²(z) on random arrays of several shapes."""
    return _check_prime(
        tanh_prime_fn,
        "tanh_prime",
        tanh_prime,
        _tanh_prime_variants,
        "tanh′(z) = 1 − tanh²(z)",
        seed,
    )


# --------------------------------------------------------------------------------------
# Chapter 6: the numerical gradient and the bug
# --------------------------------------------------------------------------------------
def _central(fn, theta, eps):
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        up, down = theta.copy(), theta.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (fn(up) - fn(down)) / (2 * eps)
    return grad


def _one_sided(fn, theta, eps, sign):
    grad = np.zeros_like(theta)
    base = fn(theta.copy())
    for i in range(theta.size):
        moved = theta.copy()
        moved[i] += sign * eps
        grad[i] = sign * (fn(moved) - base) / eps
    return grad


def _test_functions(rng):
    """Smooth, coupled test functions fn(theta) -> float, with theta of several sizes."""
    out = []
    for d in (1, 4, 10):
        a, c, u = rng.normal(0, 2, d), rng.normal(0, 1, d), rng.normal(0, 1, d)

        def fn(theta, a=a, c=c, u=u):
            theta = np.asarray(theta, dtype=np.float64)
            return float(
                np.sum(c * np.sin(a * theta))
                + 0.3 * np.dot(u, theta) ** 3
                + np.log1p(np.dot(theta, theta))
            )

        out.append(
            (fn, rng.normal(0, 1, d), f"a smooth test function of {d} parameter" + "s" * (d != 1))
        )
    # The course's own loss, as a function of the flattened parameters w1, b1, w2, b2.
    k = 3
    x = rng.uniform(-1, 1, 20)
    y = bump(x) + NOISE * rng.standard_normal(20)
    net = Network(hidden=k, activation="sigmoid", seed=0)

    def loss(theta, net=net, x=x, y=y, k=k):
        theta = np.asarray(theta, dtype=np.float64)
        net.params = {
            "w1": theta[:k],
            "b1": theta[k : 2 * k],
            "w2": theta[2 * k : 3 * k],
            "b2": theta[3 * k],
        }
        return net.loss(x, y)

    out.append((loss, rng.normal(0, 1, 3 * k + 1), "the network's loss over its 10 parameters"))
    return out


@_checker("numerical_grad")
def check_numerical_grad(numerical_grad, seed=None):
    """Check numerical_grad(fn, theta, eps=1e-6) -> array like theta, by central differences."""
    sig = "numerical_grad(fn, theta, eps=1e-6) -> array shaped like theta"
    _require_function(numerical_grad, "numerical_grad", sig)
    rng = _rng(seed)
    cases = [(fn, th, what, None) for fn, th, what in _test_functions(rng)]
    fn, th, what = cases[1][:3]
    cases.append((fn, th, what, 1e-2))  # a large eps tells central from one-sided differences
    for fn, theta, what, eps in cases:
        used = 1e-6 if eps is None else eps
        where = f"{what}" + ("" if eps is None else f", eps = {eps:g}")
        arg = theta.copy()
        args = (fn, arg) if eps is None else (fn, arg, eps)
        out = _call(numerical_grad, args, "numerical_grad", sig, where)
        if not np.array_equal(arg, theta):
            raise _Wrong(
                f"theta was changed by your function ({where})",
                "diagnosis: after moving θ_i by ±eps, put it back (or work on a copy of θ); "
                "otherwise every later entry is measured at the wrong point",
            )
        variants = [
            (
                "a one-sided (forward) difference (fn(θ + ε) − fn(θ)) / ε: use the central "
                "difference (fn(θ + ε) − fn(θ − ε)) / (2ε), which is far more accurate",
                _one_sided(fn, theta, used, +1),
            ),
            (
                "a one-sided (backward) difference (fn(θ) − fn(θ − ε)) / ε: use the central "
                "difference (fn(θ + ε) − fn(θ − ε)) / (2ε)",
                _one_sided(fn, theta, used, -1),
            ),
            (
                "you divided by ε instead of 2ε: the two points are 2ε apart",
                2 * _central(fn, theta, used),
            ),
            (
                "half the right value: divide by 2ε, not 4ε (or by ε²)",
                0.5 * _central(fn, theta, used),
            ),
            (
                "wrong sign: fn(θ + ε) comes first, (fn(θ + ε) − fn(θ − ε)) / (2ε)",
                -_central(fn, theta, used),
            ),
            (
                "every entry moved all of θ at once: perturb one entry at a time",
                np.full_like(theta, (fn(theta + used) - fn(theta - used)) / (2 * used)),
            ),
        ]
        if eps is not None:
            variants.insert(
                0,
                (
                    "the eps argument was ignored: use the eps you are given",
                    _central(fn, theta, 1e-6),
                ),
            )
        _compare(
            "numerical_grad(fn, theta)",
            out,
            _central(fn, theta, used),
            where,
            variants,
            "(fn(θ + ε e_i) − fn(θ − ε e_i)) / (2ε) for each entry i",
        )
    return (
        f"numerical_grad is right on {len(cases)} random problems (1, 4 and 10 parameters, "
        "the network's loss, and a large eps)."
    )


def _suspect_ok(suspect):
    if not isinstance(suspect, str):
        return False
    s = suspect.strip().lower().replace("_", "").replace(" ", "").strip("'\"")
    return s in ("b2", "dldb2", "bias2")


@_checker("find the bug", todo="suspect and fixed_predict are")
def check_bug_fix(suspect, fixed_predict, seed=None):
    """Check the "find the bug" answer: the parameter flagged, and a fixed forward pass."""
    sig = "fixed_predict(params, x) -> f, one value per sample"
    if suspect is Ellipsis:  # the stub: nothing named yet
        raise _NotYet
    if suspect is None:
        raise _Wrong("name the parameter the gradient check flags, as a string such as 'w1'")
    if not isinstance(suspect, str):
        raise _Wrong(
            f"suspect should be a parameter name in quotes, like 'w1'; got "
            f"{type(suspect).__name__} {_short(suspect)}"
        )
    if not _suspect_ok(suspect):
        raise _Wrong(
            f"{suspect!r} is not the parameter the gradient check flags",
            "look at bp.grad_check(bp.exercises.BuggyNetwork(), x, y): one row is marked "
            "'wrong' (a relative error near 1); that parameter's numerical gradient is 0, "
            "because it never reaches the output",
        )
    _require_function(fixed_predict, "fixed_predict", sig)
    rng = _rng(seed)
    for k, n in SIZES:
        x, _, params, net, _, _, (z, h, f) = _problem(rng, k, n)
        where = _where(k, n)
        args = (_copies(params), x.copy())
        out = _call(fixed_predict, args, "fixed_predict", sig, where)
        _unchanged({"params": params, "x": x}, {"params": args[0], "x": args[1]}, where)
        w2, b2 = params["w2"], params["b2"]
        variants = [
            ("it still adds S = 0.5 where b2 belongs: f = w2·h + b2", h @ w2 + S),
            ("it adds b2 and still adds S: remove the `+ S`", h @ w2 + b2 + S),
            ("b2 is missing: f = w2·h + b2", h @ w2),
            ("wrong sign on b2: f = w2·h + b2", h @ w2 - b2),
            ("it uses z, not h = σ(z): apply the sigmoid before w2", z @ w2 + b2),
        ]
        _compare("fixed_predict(params, x)", out, f, where, variants, "f = w2·σ(w1 x + b1) + b2")
    return (
        f"the bug is b2: the forward pass added S = {S} in its place, and fixed_predict "
        f"is right on {len(SIZES)} random problems."
    )


# --------------------------------------------------------------------------------------
# Chapter 7: one step of gradient descent, and a learning rate that learns
# --------------------------------------------------------------------------------------
def _random_params(rng, k, scale=1.0):
    return {
        "w1": rng.normal(0, scale, k),
        "b1": rng.normal(0, scale, k),
        "w2": rng.normal(0, scale, k),
        "b2": np.array(rng.normal(0, scale)),
    }


def _params_dict(label, out, where):
    if _holds_ellipsis(out):
        raise _NotYet
    if not isinstance(out, dict):
        raise _Wrong(
            f"{label} should be a dict with keys {PARAM_NAMES}, got "
            f"{type(out).__name__} {_short(out)} ({where})"
        )
    missing = [nm for nm in PARAM_NAMES if nm not in out]
    if missing:
        raise _Wrong(
            f"{label} is missing {', '.join(map(repr, missing))} ({where}); it needs "
            f"the keys {PARAM_NAMES}"
        )
    return out


@_checker("gd_step")
def check_gd_step(gd_step, seed=None):
    """Check gd_step(params, grads, lr) -> new params, θ − lr·g for every parameter."""
    sig = "gd_step(params, grads, lr) -> new params dict"
    _require_function(gd_step, "gd_step", sig)
    rng = _rng(seed)
    for k in (3, 1, 10):
        params, grads = _random_params(rng, k), _random_params(rng, k)
        lr = float(rng.uniform(0.01, 0.5))
        where = f"k = {k}, lr = {lr:.4g}"
        args = (_copies(params), _copies(grads), lr)
        out = _call(gd_step, args, "gd_step", sig, where)
        _unchanged({"grads": grads}, {"grads": args[1]}, where)
        out = _params_dict("the returned params", out, where)
        for name in PARAM_NAMES:
            p, g = params[name], grads[name]
            variants = [
                ("wrong sign: step downhill, θ − lr·g (you added the gradient)", p + lr * g),
                ("forgot the learning rate: θ − lr·g", p - g),
                ("returned the step lr·g, not the new parameters θ − lr·g", -lr * g),
                ("returned the step lr·g, not the new parameters θ − lr·g", lr * g),
                ("the parameters did not move: θ − lr·g", p),
                ("returned the gradient, not the new parameters θ − lr·g", g),
                ("divided by the learning rate: multiply, θ − lr·g", p - g / lr),
            ]
            _compare(
                f'new params["{name}"]', out[name], p - lr * g, where, variants, "θ ← θ − lr·g"
            )
    return "gd_step is right on 3 random steps (k = 1, 3, 10)."


def _lr_value(lr):
    if isinstance(lr, np.ndarray) and lr.ndim == 0:
        lr = lr.item()
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        return None
    return float(lr)


@_checker("learning rate", todo="lr is")
def check_learning_rate(lr):
    """Check that full-batch GD with this lr reaches LR_TARGET within LR_EPOCHS epochs.

    The run: tanh, k = 10, uniform initialisation, seed 0, on bump_data(seed=0).
    """
    if lr is Ellipsis:
        raise _NotYet
    value = _lr_value(lr)
    if value is None:
        raise _Wrong(
            f"lr should be a positive number such as 0.1, got {type(lr).__name__} {_short(lr)}"
        )
    if not np.isfinite(value) or value <= 0:
        why = " (a negative learning rate climbs uphill)" if value < 0 else ""
        raise _Wrong(f"lr should be a positive number, got {value:g}{why}")
    data = bump_data(seed=0)
    net = Network(hidden=10, activation="tanh", seed=0)
    hist = train(net, data.x, data.y, lr=value, epochs=LR_EPOCHS)
    if hist.diverged:
        raise _Wrong(
            f"lr = {value:g} is too large: training diverged at epoch {hist.epochs + 1} "
            "(the loss stopped being finite); try a smaller learning rate"
        )
    reached = hist.epochs_to(LR_TARGET)
    if reached is None:
        last, first = hist.loss[-1], hist.loss[0]
        if last > first:
            raise _Wrong(
                f"lr = {value:g} is too large: the loss grew from {first:.4g} to {last:.4g} "
                f"in {LR_EPOCHS} epochs; try a smaller learning rate"
            )
        raise _Wrong(
            f"lr = {value:g} is too small: the loss is still {last:.4g} after {LR_EPOCHS} "
            f"epochs (need ≤ {LR_TARGET:.4g}, 1.5 × the noise floor); try a larger one"
        )
    return (
        f"lr = {value:g} reaches a loss ≤ {LR_TARGET:.4g} (1.5 × the noise floor) at epoch "
        f"{reached} of {LR_EPOCHS}, without diverging."
    )


# --------------------------------------------------------------------------------------
# Chapter 8: momentum
# --------------------------------------------------------------------------------------
@_checker("momentum_step")
def check_momentum_step(momentum_step, seed=None):
    """Check momentum_step(params, grads, velocity, lr, beta) -> (new_params, new_velocity)."""
    sig = "momentum_step(params, grads, velocity, lr, beta) -> (new_params, new_velocity)"
    _require_function(momentum_step, "momentum_step", sig)
    rng = _rng(seed)
    for k in (3, 1, 10):
        params, grads = _random_params(rng, k), _random_params(rng, k)
        velocity = _random_params(rng, k, 0.5)
        lr, beta = float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.5, 0.95))
        where = f"k = {k}, lr = {lr:.4g}, beta = {beta:.4g}"
        args = (_copies(params), _copies(grads), _copies(velocity), lr, beta)
        out = _call(momentum_step, args, "momentum_step", sig, where)
        _unchanged({"grads": grads}, {"grads": args[1]}, where)
        new_p, new_v = _pair(out, ("params", "velocity"), where, "(new_params, new_velocity)")
        new_v = _params_dict("the new velocity", new_v, where)
        new_p = _params_dict("the new params", new_p, where)
        other = "that is the other common convention (v ← βv − lr·g, θ ← θ + v); this course "
        other += "uses v ← βv + g, then θ ← θ − lr·v"
        for name in PARAM_NAMES:
            p, g, v = params[name], grads[name], velocity[name]
            v_new = beta * v + g
            v_variants = [
                (other, beta * v - lr * g),
                (
                    "this is the moving-average form βv + (1 − β)g; here v ← βv + g",
                    beta * v + (1 - beta) * g,
                ),
                ("β multiplies the gradient instead of the old velocity: v ← βv + g", v + beta * g),
                ("the old velocity is missing: v ← βv + g", g),
                ("the gradient is missing: v ← βv + g", beta * v),
                ("wrong sign on the gradient: v ← βv + g", beta * v - g),
            ]
            _compare(f'new velocity["{name}"]', new_v[name], v_new, where, v_variants, "v ← βv + g")
            p_variants = [
                ("the step used the old velocity: update v first, then θ ← θ − lr·v", p - lr * v),
                (
                    "the step ignored the velocity (plain gradient descent): θ ← θ − lr·v",
                    p - lr * g,
                ),
                ("wrong sign: θ ← θ − lr·v", p + lr * v_new),
                ("forgot the learning rate: θ ← θ − lr·v", p - v_new),
            ]
            _compare(
                f'new params["{name}"]',
                new_p[name],
                p - lr * v_new,
                where,
                p_variants,
                "θ ← θ − lr·v with the new v",
            )
    return "momentum_step is right on 3 random steps (k = 1, 3, 10)."


__all__ = [
    "S",
    "LR_EPOCHS",
    "LR_TARGET",
    "BuggyNetwork",
    "check_grad_w2_b2",
    "check_grad_w1_b1",
    "check_loss_and_grads",
    "check_sigmoid_prime",
    "check_tanh_prime",
    "check_numerical_grad",
    "check_bug_fix",
    "check_gd_step",
    "check_learning_rate",
    "check_momentum_step",
]
