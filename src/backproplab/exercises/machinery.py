"""The checking machinery every exercise checker is built from.

Call student code safely (``_call``; ``_call_fresh`` and ``_call_xy`` on copies of the
inputs, naming any input changed in place; ``_call_watching`` also collects numpy's
warnings, which routes.py turns into a note or a route, never a verdict), compare an answer with the reference and name the mistake (``_compare`` with
variants from ``_scaled``; ``_swapped`` for right values in each other's places), and wrap it
all so a checker prints one verdict and never raises (``_checker``). Each chapter's checkers
live in a module of their own beside this one; the instructors' page lists what to reuse.
"""

from __future__ import annotations

import contextvars
import dis
import functools
import itertools
import os
import re
import sys
import traceback
import warnings

import numpy as np

from ..data import NOISE, bump
from ..gradcheck import relative_error
from ..network import PARAM_NAMES, Network
from .routes import floor_division_hint, student_names

#: Relative error below which an answer counts as right.
TOL = 1e-6

#: Sizes the gradient checkers try, first to last: (k hidden units, n samples). The first
#: has n > 2 and k > 1, so the diagnoses ("x n", "x 2", "transposed") cannot coincide.
SIZES = ((3, 7), (10, 50), (1, 1), (10, 1), (1, 50))

_calls = itertools.count()

#: The student's functions the running checker has called (see _call and _student_names).
_called: contextvars.ContextVar[list | None] = contextvars.ContextVar("_called", default=None)


class _NotYet(Exception):
    """Internal: the student's code is still the stub."""


class _Wrong(Exception):
    """Internal: the answer is wrong; args hold the lines to print."""


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
            token = _called.set([])
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
            finally:
                _called.reset(token)
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
    seen = _called.get()
    if seen is not None and not any(f is fn for f in seen):
        seen.append(fn)
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
        text = str(err)
        if isinstance(err, TypeError) and "argument" in text:
            lines.append(f"check the signature: {signature}")
        elif isinstance(err, TypeError) and (
            "subscriptable" in text or "unsupported operand" in text
        ):
            lines.append(
                "an argument is not what this line expects: are your parameters in the "
                f"order of the signature? {signature}"
            )
        lines += _operator_hint(err)
        raise _Wrong(*lines) from None
    if out is None:
        if _is_stub(fn):
            raise _NotYet
        raise _Wrong(f"it returned None ({where}); did you forget the `return` line?")
    if _holds_ellipsis(out):
        raise _NotYet
    return out


def _operator_hint(err) -> list[str]:
    """Name the operator when numpy's message shows which one was the mistake."""
    text = str(err)
    if "bitwise_xor" in text:
        return ["diagnosis: `^` is XOR in Python, not a power; write `z ** 2` (or `z * z`)"]
    if "arrays can be converted to Python scalars" in text:
        return [
            "diagnosis: a function from `math` (math.exp, math.tanh ...) takes one number; "
            "use numpy's (np.exp, np.tanh ...), which work on whole arrays"
        ]
    if isinstance(err, OverflowError) and "math range" in text:
        return [
            "diagnosis: math.exp(t) raises OverflowError once t > 709 (numpy's np.exp gives "
            "inf instead); use numpy, in a form that never overflows (bp.sigmoid(z), np.tanh(z))"
        ]
    if "truth value of an array" in text:
        return [
            "diagnosis: `if`, `and`, `or` or `max` on an array asks one question of many "
            "numbers; choose entry by entry with np.where(...) or np.maximum(...)"
        ]
    if text.startswith("matmul") or "not aligned" in text:
        op = "`@`" if text.startswith("matmul") else "np.dot"
        return [
            f"diagnosis: {op} is the matrix product, and these shapes do not chain (the inner "
            "sizes must match): a transpose (.T) may be missing, or `*` (entry by entry) "
            "was meant"
        ]
    shapes = re.search(r"broadcast together with shapes (\([^)]*\)) (\([^)]*\))", text)
    if shapes:
        one, two = shapes.groups()
        return [
            f"diagnosis: a {one} and a {two} array do not broadcast — numpy pairs entries "
            "from the last axis; to combine every entry of one with every entry of the "
            "other, make one a column first (`a[:, None] * b`)"
        ]
    return []


def _call_xy(fn, x, y, params, name, signature, where):
    """Call fn(x, y, params) on copies, and complain if it changed them."""
    return _call_fresh(fn, {"x": x, "y": y, "params": params}, name, signature, where)


def _fresh(value):
    if isinstance(value, dict):
        return _copies(value)
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def _call_fresh(fn, inputs: dict, name, signature, where, hint=None):
    """Call fn on copies of the named inputs, in order; complain if it changed any of them.

    Arrays and dicts of arrays are copied; the originals are kept to compare with. An answer
    that changed an input and returned nothing hears about both, since that is one mistake.
    """
    args = {label: _fresh(v) for label, v in inputs.items()}
    try:
        out = _call(fn, tuple(args.values()), name, signature, where)
    except _Wrong as wrong:
        if "returned None" in wrong.args[0]:
            _unchanged(inputs, args, where, hint, returned_none=True)
        raise
    _unchanged(inputs, args, where, hint)
    return out


def _call_watching(fn, args, name, signature, where):
    """Call the student's function and also return the numpy warnings it raised (overflow...).

    numpy's own defaults decide what warns: underflow to 0, never a mistake, stays silent,
    and so does whatever the student's code silenced with np.errstate. A warning is a note
    for the verdict (routes.warning_note), never a verdict by itself. args: a tuple, or a
    dict of named inputs, which are then passed as copies and checked unchanged (_call_fresh).
    """
    quiet = {"over": "warn", "divide": "warn", "invalid": "warn", "under": "ignore"}
    with warnings.catch_warnings(record=True) as caught, np.errstate(**quiet):
        warnings.simplefilter("always")
        if isinstance(args, dict):
            out = _call_fresh(fn, args, name, signature, where)
        else:
            out = _call(fn, args, name, signature, where)
    return out, [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]


def _holds_ellipsis(value) -> bool:
    if value is Ellipsis:
        return True
    if isinstance(value, dict):
        return any(v is Ellipsis for v in value.values())
    if isinstance(value, (tuple, list)):
        return any(_holds_ellipsis(v) for v in value)
    return False


_IN_PLACE_HINT = (
    "build new arrays instead of changing the ones you were given (`a = a * 2`, not "
    "`a *= 2` or `a[i] = ...`), or copy first (`a = a.copy()`)"
)


def _unchanged(before: dict, after: dict, where, hint=None, returned_none=False):
    """Complain when the student's function changed one of its inputs in place.

    before: label -> the original value (array, number or dict of arrays); after: label ->
    the copy the student's function was given. hint says what to do instead.
    """

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
                bad += [k for k in now if k not in original]  # a key added is a change too
        else:
            bad = [] if same(now, original) else [""]
        if bad:
            what = f"{label}[{bad[0]!r}]" if bad[0] else label
            also = " and returned None" if returned_none else ""
            raise _Wrong(
                f"your function changed its input {what} in place{also} ({where}); "
                "the exercise asks you to leave its inputs unchanged",
                hint or _IN_PLACE_HINT,
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


def _holds_integers(value) -> bool:
    try:
        return np.asarray(value).dtype.kind in "iu"
    except Exception:
        return False


def _shape_hint(actual, expected, variants, unit="entry", samples=False):
    """Explain a shape mismatch, recognising transposes, keepdims and forgotten sums.

    The checker's own wrong answers (variants) are tried first: they are the most specific.
    unit names one entry of the answer in the exercise's terms ("hidden unit", "entry");
    samples says the answer sums over a batch of samples (the gradients), so that an extra
    leading axis reads as "one row per sample".
    """
    a, e = actual, expected
    got, want = a.shape, e.shape
    desc = "a scalar, shape ()" if want == () else f"shape {want}"
    lines = [f"it has shape {got}, expected {desc}"]
    for text, alt in variants:
        alt = np.asarray(alt, dtype=np.float64)
        if alt.shape == got and relative_error(a, alt) <= TOL:
            return [*lines, f"diagnosis: {text}"]
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
    elif samples and a.ndim == len(want) + 1 and a.shape[1:] == want and a.shape[0] > 1:
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
                f"diagnosis: this is the sum of the right values — keep one value per {unit} "
                "(a sum, np.dot or `@` where `*` belongs adds them all up)"
            )
        else:
            lines.append(f"diagnosis: a single number where one value per {unit} is needed")
    elif a.ndim == 2 and got[0] == got[1] and want != () and got[0] == want[0]:
        m = got[0]
        lines.append(
            f"diagnosis: a square matrix — probably an outer product, or broadcasting a "
            f"({m},) against a ({m}, 1) (from [:, None] or keepdims=True)"
        )
    return lines


def _compare(label, actual, expected, where, variants=(), formula="", unit="entry", samples=False):
    """Raise _Wrong unless `actual` equals `expected` (relative error <= TOL).

    variants: (diagnosis, wrong answer) pairs recognised in the order given; unit names one
    entry in the exercise's terms, and samples=True marks an answer summed over a batch, for
    the shape diagnoses (see _shape_hint).
    """
    e = np.asarray(expected, dtype=np.float64)
    a = _as_numbers(label, actual, where)
    if a.shape != e.shape:
        raise _Wrong(
            f"{label} has the wrong shape ({where})", *_shape_hint(a, e, variants, unit, samples)
        )
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
    if _holds_integers(actual) and (
        np.array_equal(a, np.trunc(e)) or np.array_equal(a, np.round(e))
    ):
        lines.append(
            "diagnosis: the entries were cut to whole numbers — your array holds integers "
            "(np.zeros(..., dtype=int), or zeros_like of an int array); make it a float array"
        )
        raise _Wrong(*lines)
    for text, alt in variants:
        alt = np.asarray(alt, dtype=np.float64)
        if alt.shape == e.shape and relative_error(alt, e) > TOL and relative_error(a, alt) <= TOL:
            lines.append(f"diagnosis: {text}")
            break
    else:
        scale = float(np.vdot(a, e) / np.vdot(e, e)) if np.vdot(e, e) > 0 else 0.0
        if scale != 0.0 and relative_error(a, scale * e) <= TOL:
            what = "the value is" if a.ndim == 0 else "every entry is"
            lines.append(f"diagnosis: {what} {scale:.4g} × the right value")
        elif not a.any() and e.any():
            lines.append(floor_division_hint(_student_names()))
        elif formula:
            lines.append(f"no common mistake recognised; compare term by term with {formula}")
    raise _Wrong(*lines)


def _student_names(*fns) -> frozenset[str]:
    """The names the student's code uses: fns, and every function the checker has called."""
    return student_names(*fns, *(_called.get() or ()))


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
    if isinstance(out, dict):
        got = f"dict with the keys {sorted(map(str, out))}"
    elif isinstance(out, (tuple, list)):
        got = f"{type(out).__name__} of length {len(out)}"
    else:
        got = f"{type(out).__name__} {_short(out)}"
    lines = [f"it should return two values, {what}, got a {got} ({where})"]
    if not isinstance(out, (tuple, list, dict)) or len(out) == 1:
        lines.append("return both values, separated by a comma: `return a, b`")
    if isinstance(out, dict):
        if all(nm in out for nm in PARAM_NAMES):
            lines.append("this is one dict of parameters; return both, `return a, b`")
        lines += _key_hint(out)
    raise _Wrong(*lines)


def _sizes_text():
    ks = sorted({k for k, _ in SIZES})
    ns = sorted({n for _, n in SIZES})
    return f"k = {', '.join(map(str, ks))}; n = {', '.join(map(str, ns))}"


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
            f"the keys {PARAM_NAMES}, got {sorted(map(str, out))}",
            *_key_hint(out),
        )
    return out


def _close(value, expected) -> bool:
    """True when value is numbers of expected's shape within TOL (never raises)."""
    try:
        a = np.asarray(value, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except Exception:
        return False
    if a.shape != e.shape or not np.all(np.isfinite(a)):
        return False
    return relative_error(a, e) <= TOL or np.max(np.abs(a - e), initial=0.0) <= 1e-12


def _swapped(got: dict, expected: dict, where, how=""):
    """Raise _Wrong when two answers are right but in each other's places.

    got and expected map the same labels (for example "dL_dw1", or 'grads["b1"]') to the
    student's values and the right ones. Checked before the values themselves, so that a
    right formula put in the wrong place is never blamed as a wrong formula. how says where
    the order is fixed, e.g. "return (dL_dw1, dL_db1)".
    """
    labels = list(got)
    for i, one in enumerate(labels):
        for other in labels[i + 1 :]:
            if _close(expected[one], expected[other]):
                continue  # equal right answers cannot be told apart
            if _close(got[one], expected[other]) and _close(got[other], expected[one]):
                raise _Wrong(
                    f"{one} and {other} are swapped ({where}): {one} holds the right value "
                    f"of {other}, and {other} the right value of {one}",
                    "the formulas are right; " + (how or "put each value in its own place"),
                )


#: Names students give gradients and parameters, and the key the course uses for each.
_ALIASES = {
    f"{pre}{name}": name
    for name in ("w1", "b1", "w2", "b2")
    for pre in ("d", "d_", "dl_d", "dld", "dl/d", "grad_", "grad", "g", "g_")
}


def _key_hint(keys) -> list[str]:
    """A line naming the right keys when a dict uses other names for them (dw1, W1, ...)."""
    pairs = []
    for key in keys:
        if not isinstance(key, str):
            continue
        low = key.strip().lower()
        right = _ALIASES.get(low) or (low if low in PARAM_NAMES and key != low else None)
        if right and right != key:
            pairs.append(f"{key!r} → {right!r}")
    if not pairs:
        return []
    return [f"use the same keys as net.params: {', '.join(pairs)}"]
