"""Checkers for chapter 11: output layers paired with their losses, for classification.

Numpy only: the references below are written out here (a stable sigmoid and log-softmax),
so the checkers judge against the chapter's equations, not against the package's network.
"""

from __future__ import annotations

import warnings

import numpy as np

from .machinery import (
    _call_fresh,
    _call_watching,
    _checker,
    _compare,
    _NotYet,
    _pair,
    _require_function,
    _rng,
    _scaled,
    _short,
    _Wrong,
)

#: The data sets a network with no hidden layer separates (>= 95% training accuracy),
#: among those the chapter's prediction exercise names; chapter 11 measures it.
SEPARABLE = frozenset({"gaussians"})
DATASETS = ("moons", "circles", "xor", "gaussians", "spiral")

_BCE_SIG = "bce(z, y) -> (L, delta), with z the logits (n,) and y the 0/1 labels (n,)"
_CE_SIG = "softmax_ce_backward(A, W, b, y) -> (dW, db)"
_LSM_SIG = "log_softmax(Z) -> an (n, m) array"
_OVERFLOW = (
    "diagnosis: np.exp overflowed — exp(1000) is inf, and inf / inf is NaN; subtract each "
    "row's largest logit first: Z − max + ... (log-sum-exp), which changes nothing exactly"
)


# -- references, stable at any logit ---------------------------------------------------
def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def _log_softmax(Z, axis=1):
    top = Z.max(axis=axis, keepdims=True)
    return Z - top - np.log(np.exp(Z - top).sum(axis=axis, keepdims=True))


def _one_hot(y, m):
    return np.eye(m)[y]


def _order_hint(out, where, first, second):
    """Name a pair returned in the other order (the scalar second, the array first)."""
    a, b = (np.ndim(v) if isinstance(v, (int, float, np.ndarray, np.generic)) else -1 for v in out)
    if a >= 1 and b == 0:
        raise _Wrong(
            f"the two values are in the other order ({where}): return {first} first, then {second}"
        )


# -- the BCE output error --------------------------------------------------------------
def _bce_problem(rng, n):
    z = np.clip(rng.normal(0.0, 2.0, n), -6.0, 6.0)  # moderate: the textbook form stays finite
    y = rng.integers(0, 2, n)
    if n > 1:
        y[:2] = (0, 1)  # both classes, so no term of the loss hides
        rng.shuffle(y)
    return z, y


def _bce_variants(z, y, p, n):
    """Wrong losses and wrong output errors, most specific first."""
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    loss_wrong = [
        ("the minus sign is missing: the loss is the NEGATIVE log-likelihood", -loss),
        ("only y log p: the (1 − y) log(1 − p) term of the class-0 samples is missing",
         -np.mean(y * np.log(p))),
        ("p and 1 − p swapped: p = σ(z) is the probability of class 1",
         -np.mean(y * np.log(1 - p) + (1 - y) * np.log(p))),
        ("log base 10 (np.log10): the log here is the natural one, np.log", loss / np.log(10)),
        ("log base 2 (np.log2): the log here is the natural one, np.log", loss / np.log(2)),
        ("this is the squared loss mean((p − y)²), not the cross-entropy", np.mean((p - y) ** 2)),
        ("the labels are missing: a sample's term is log p where y = 1 and log(1 − p) where "
         "y = 0, so −mean(log p) scores every sample as class 1", -np.mean(np.log(p))),
    ]  # fmt: skip
    if n > 2:
        loss_wrong += [("the sum over the samples, not the mean: divide by n", n * loss),
                       ("divided by n twice: np.mean already divides by n", loss / n)]  # fmt: skip
    s = p * (1 - p)  # σ'(z)
    delta_wrong = [
        ("wrong sign: Δ = (p − y)/n, not (y − p)/n", (y - p) / n),
        ("σ′(z) was multiplied in: with the cross-entropy it cancels, Δ = (p − y)/n",
         (p - y) * s / n),
        ("this is the squared loss's output error 2(p − y)σ′(z)/n, not the cross-entropy's",
         2 * (p - y) * s / n),
        ("twice the right value: the 2 belongs to the squared loss, not to the cross-entropy",
         2 * (p - y) / n),
        ("this is ∂L/∂p, not ∂L/∂z: the chain-rule factor σ′(z) = p(1 − p) is missing",
         (p - y) / (s * n)),
        ("the logits z were used where the probabilities p = σ(z) belong", (z - y) / n),
        ("integer division: // floors (p − y)/n to −1 or 0; divide with /", (p - y) // n),
    ]  # fmt: skip
    if n > 2:
        delta_wrong += [("n × too large: you forgot to divide by n — the loss is the MEAN", p - y),
                        ("divided by n twice: (p − y)/n holds the only 1/n", (p - y) / n**2)]  # fmt: skip
    return loss, loss_wrong, (p - y) / n, delta_wrong


@_checker("bce")
def check_bce(bce, seed=None):
    """Check bce(z, y) -> (L, Δ): binary cross-entropy of sigmoid outputs and Δ = (p − y)/n."""
    _require_function(bce, "bce", _BCE_SIG)
    rng = _rng(seed)
    sizes = (6, 1, 40, 2)
    for n in sizes:
        z, y = _bce_problem(rng, n)
        where = f"n = {n} sample{'s' * (n != 1)}"
        out = _call_fresh(bce, {"z": z, "y": y}, "bce", _BCE_SIG, where)
        loss, delta = _pair(out, ("L", "delta"), where, "the loss L and the output error Δ")
        _order_hint((loss, delta), where, "L", "delta")
        right_loss, loss_wrong, right_delta, delta_wrong = _bce_variants(z, y, _sigmoid(z), n)
        _compare("L", loss, right_loss, where, loss_wrong + _scaled([("", right_loss)]),
                 "L = −(1/n) Σ [y log p + (1 − y) log(1 − p)]")  # fmt: skip
        _compare("delta", delta, right_delta, where, delta_wrong + _scaled([("", right_delta)]),
                 "Δ = (p − y)/n with p = σ(z)", unit="sample")  # fmt: skip
    return f"bce is right for n = {', '.join(map(str, sizes))}: L and Δ = (p − y)/n."


# -- the softmax + cross-entropy backward, batch form ---------------------------------
#: (n, d, m) for check_softmax_ce_backward; the last has logits near ±1000.
CE_PROBLEMS = ((7, 4, 3), (1, 2, 2), (50, 3, 5), (5, 3, 3), (6, 2, 4))


def _ce_problem(rng, n, d, m, huge=False):
    A = rng.normal(0.0, 1.0, (n, d))
    W = rng.normal(0.0, 1.0, (d, m))
    b = rng.normal(0.0, 0.5, m)
    if huge:  # the largest logit is 1000: a softmax without log-sum-exp overflows ...
        A[-1], b = 0.0, np.zeros(m)  # ... and a row of zeros: one max for all rows underflows
        top = (A @ W + b).max()
        scale = 1000.0 / (top if top > 0 else np.abs(A @ W + b).max())
        W, b = scale * W, scale * b
    y = rng.integers(0, m, n)
    y[: min(n, m)] = rng.permutation(m)[: min(n, m)]  # several classes present
    return A, W, b, y


def _ce_deltas(A, W, b, y):
    """The right Δ = (P − Y)/n and the usual wrong ones, as (diagnosis, Δ)."""
    n, m = A.shape[0], W.shape[1]
    Z = A @ W + b
    P, Y = np.exp(_log_softmax(Z)), _one_hot(y, m)
    right = (P - Y) / n
    wrong = [
        ("one-hot forgotten: y was subtracted as numbers; Y[j, c] = 1 where c = y[j], else 0 "
         "(np.eye(m)[y])", (P - y[:, None]) / n),
        ("softmax over the wrong axis: each ROW, one sample's m logits, must sum to 1 — "
         "axis=1, keepdims=True", (np.exp(_log_softmax(Z, axis=0)) - Y) / n),
        ("the logits Z were used where the probabilities P = softmax(Z) belong", (Z - Y) / n),
        ("wrong sign: Δ = (P − Y)/n, not (Y − P)/n", (Y - P) / n),
        ("multiplied by P(1 − P): the softmax's Jacobian is not diagonal, and with the "
         "cross-entropy it cancels, leaving P − Y", (P - Y) * P * (1 - P) / n),
        ("divided by n·m (np.mean over the whole array): the loss averages over the n samples "
         "only", (P - Y) / (n * m)),
        ("twice the right value: the 2 belongs to the squared loss", 2 * right),
        ("the bias b is missing from the logits: Z = A W + b (the row b added to every row)",
         (np.exp(_log_softmax(A @ W)) - Y) / n),
        ("the one-hot is shifted by a column: the labels are 0 … m − 1 and class y[j] is "
         "column y[j], so Y = np.eye(m)[y], not np.eye(m)[y − 1]", (P - _one_hot(y - 1, m)) / n),
        ("integer division: // floors (P − Y)/n to −1 or 0; divide with /", (P - Y) // n),
    ]  # fmt: skip
    if n > 2:
        wrong.append(("n × too large: you forgot to divide by n — the loss is the MEAN", P - Y))
    return right, wrong


@_checker("softmax_ce_backward")
def check_softmax_ce_backward(backward, seed=None):
    """Check softmax_ce_backward(A, W, b, y) -> (dW, db) for the output layer Z = A W + b."""
    _require_function(backward, "softmax_ce_backward", _CE_SIG)
    rng = _rng(seed)
    for i, (n, d, m) in enumerate(CE_PROBLEMS):
        huge = i == len(CE_PROBLEMS) - 1
        A, W, b, y = _ce_problem(rng, n, d, m, huge)
        where = f"n = {n}, d = {d}, m = {m}" + (", logits near ±1000" if huge else "")
        inputs = {"A": A, "W": W, "b": b, "y": y}
        # the warnings on the way name the route to a NaN, for its diagnosis only
        out, warned = _call_watching(backward, inputs, "softmax_ce_backward", _CE_SIG, where)
        dW, db = _pair(out, ("dW", "db"), where, "dW and db")
        _swapped_grads(dW, db, d, m, where)
        right, wrong = _ce_deltas(A, W, b, y)
        dW_wrong = [(text, A.T @ delta) for text, delta in wrong]
        dW_wrong.insert(0, ("transposed: dW = Aᵀ Δ has W's shape (d, m), not Δᵀ A", right.T @ A))
        db_wrong = [(text, delta.sum(axis=0)) for text, delta in wrong] + [
            (
                "the bias gradient averages over the samples: sum them, Δ already holds the 1/n",
                right.mean(axis=0),
            ),
        ]
        _summed_over_classes(db, n, m, where)
        if huge:
            divides = _divides_by_p(backward)
            _finite_or_overflow("dW", dW, where, warned, divides)
            _finite_or_overflow("db", db, where, warned, divides)
        _compare("dW", dW, A.T @ right, where, dW_wrong + _scaled([("", A.T @ right)]),
                 "dW = Aᵀ Δ with Δ = (P − Y)/n")  # fmt: skip
        _compare("db", db, right.sum(axis=0), where, db_wrong + _scaled([("", right.sum(0))]),
                 "db = Δᵀ 1, the column sums of Δ = (P − Y)/n", unit="class")  # fmt: skip
    return (
        f"softmax_ce_backward is right on {len(CE_PROBLEMS)} output layers, logits near ±1000 "
        "included."
    )


def _swapped_grads(dW, db, d, m, where):
    """Name (db, dW) returned in place of (dW, db)."""
    try:
        shapes = [
            np.shape(v) if isinstance(v, (np.ndarray, list, tuple)) else None for v in (dW, db)
        ]
    except ValueError:  # a ragged list: _compare names it
        return
    if shapes == [(m,), (d, m)] and d > 1:
        raise _Wrong(
            f"dW has shape ({m},) and db has shape ({d}, {m}): the two are in the other order "
            f"({where})",
            "return dW first, then db: `return dW, db`",
        )


def _summed_over_classes(db, n, m, where):
    """Each row of P − Y sums to 0, so Δ summed over axis 1 is n zeros: name that shape."""
    try:
        arr = np.asarray(db, dtype=np.float64)
    except Exception:
        return
    if n != m and arr.shape == (n,) and np.max(np.abs(arr), initial=0.0) <= 1e-12:
        raise _Wrong(
            f"db has shape ({n},), expected ({m},), one per class ({where})",
            "diagnosis: summed over the classes (axis 1) instead of the samples (axis 0) — "
            "and each row of P − Y sums to 0, which is why every entry is 0",
        )


def _divides_by_p(backward) -> bool:
    """Whether a NaN at huge logits came from dividing by P, not from the softmax itself.

    Probe: one row of logits all near -1000 beside a moderate one (A = Z, W = I, b = 0). A
    softmax that underflows, naive or shifted by one max for the whole array, turns that
    row into 0 / 0; a row-wise stable softmax has no P of 0 there, so a backward that still
    gives NaN elsewhere divides by P. Never raises.
    """
    Z = np.array([[-1000.0, -1001.0, -999.0], [1.0, 2.0, 0.0]])
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = backward(Z.copy(), np.eye(3), np.zeros(3), np.array([2, 1]))
        return all(np.all(np.isfinite(np.asarray(v, dtype=np.float64))) for v in out)
    except Exception:
        return False


def _finite_or_overflow(label, value, where, warned=(), divides=False):
    try:
        arr = np.asarray(value, dtype=np.float64)
    except Exception:
        return  # _compare names it
    if not arr.size or np.all(np.isfinite(arr)):
        return
    if not any("overflow" in w for w in warned) and divides:
        raise _Wrong(  # the chain through the Jacobian, taken literally
            f"{label} holds NaN or inf ({where})",
            "diagnosis: a division by P — at these logits a probability rounds to 0 "
            "(e^−2000), so −Y/(nP) is inf and inf × 0 is NaN; use the cancelled form "
            "Δ = (P − Y)/n, which never divides by P",
        )
    raise _Wrong(
        f"{label} holds NaN or inf ({where})",
        "diagnosis: the softmax overflowed (exp(1000) is inf, and inf / inf is NaN) or "
        "underflowed (0 / 0); subtract each row's own largest logit before np.exp — "
        "Z.max(axis=1, keepdims=True) — which changes the softmax not at all",
    )


# -- a stable log-softmax --------------------------------------------------------------
def _lsm_problems(rng):
    """(description, Z): moderate logits first, then rows far apart at ±1000."""
    huge = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -999.0], [1000.0, 1000.0, 1000.0]])
    apart = np.array([1000.0, -1000.0, 0.0, 500.0])[:, None] + rng.normal(0.0, 3.0, (4, 3))
    return [
        ("Z of shape (5, 3)", rng.normal(0.0, 2.0, (5, 3))),
        ("Z of shape (1, 4)", rng.normal(0.0, 2.0, (1, 4))),
        ("Z of shape (3, 2)", rng.normal(0.0, 2.0, (3, 2))),
        ("logits of ±1000", huge),
        ("rows near 1000, −1000, 0 and 500", apart),
    ]


def _lsm_variants(Z):
    top = Z.max(axis=1, keepdims=True)
    right = _log_softmax(Z)
    return [
        ("over the wrong axis: each ROW (one sample's logits) is normalised — axis=1, "
         "keepdims=True", _log_softmax(Z, axis=0)),
        ("this is the softmax itself, not its log: log-softmax = Z − max − log Σ exp(Z − max)",
         np.exp(right)),
        ("only the max was subtracted: the log Σ exp(Z − max) term is missing", Z - top),
        ("log-sum-exp is max + log Σ exp(Z − max): the max was subtracted inside and not "
         "added back", right + top),
        ("one sum over the whole array: the log-sum-exp is per row (axis=1, keepdims=True)",
         Z - Z.max() - np.log(np.exp(Z - Z.max()).sum())),
        ("wrong sign", -right),
        ("log base 10 (np.log10): the log here is the natural one, np.log",
         Z - top - np.log10(np.exp(Z - top).sum(axis=1, keepdims=True))),
        ("np.mean where the sum belongs: log-sum-exp is the log of the SUM of exp(Z − max)",
         Z - top - np.log(np.exp(Z - top).mean(axis=1, keepdims=True))),
    ]  # fmt: skip


def _nonfinite(value, Z, warned, where):
    """A verdict for an answer that is NaN or inf at huge logits, from the warnings it raised."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except Exception:
        return
    if arr.shape != Z.shape or np.all(np.isfinite(arr)):
        return
    idx = np.unravel_index(int(np.argmax(~np.isfinite(arr))), arr.shape)
    lines = [
        f"log_softmax holds NaN or inf ({where})",
        f"entry [{idx[0]}, {idx[1]}]: expected {_log_softmax(Z)[idx]:.6g}, got {arr[idx]}",
    ]
    if any("overflow" in w for w in warned):
        lines.append(_OVERFLOW)
    elif any("divide by zero" in w for w in warned):
        lines.append(
            "diagnosis: exp underflowed to 0 and its log is −inf — either the log of a softmax "
            "(compute Z − max − log Σ exp(Z − max) directly), or one max for the whole array "
            "where each row needs its own (axis=1, keepdims=True)"
        )
    else:
        lines.append(
            "diagnosis: NaN or inf — take each row's max, then Z − max − log Σ exp(Z − max)"
        )
    raise _Wrong(*lines)


@_checker("log_softmax")
def check_log_softmax(log_softmax, seed=None):
    """Check log_softmax(Z), row by row, including logits of ±1000."""
    _require_function(log_softmax, "log_softmax", _LSM_SIG)
    rng = _rng(seed)
    notes = set()
    for where, Z in _lsm_problems(rng):
        out, warned = _call_watching(log_softmax, {"Z": Z}, "log_softmax", _LSM_SIG, where)
        _nonfinite(out, Z, warned, where)
        _compare("log_softmax", out, _log_softmax(Z), where, _lsm_variants(Z),
                 "log_softmax(Z) = Z − max − log Σ exp(Z − max), row by row")  # fmt: skip
        notes.update(w for w in warned if "underflow" not in w)  # exp(−2000) = 0 is right
    line = "log_softmax is right, and finite at logits of ±1000."
    if notes:  # right values with a warning on the way: a note, not a verdict
        line += f" (numpy warned on the way: {sorted(notes)[0]})"
    return line


# -- the prediction: which data sets a line separates ---------------------------------
_ALIASES = {
    "moons": "moons", "moon": "moons", "twomoons": "moons",
    "circles": "circles", "circle": "circles", "rings": "circles", "ring": "circles",
    "xor": "xor",
    "gaussians": "gaussians", "gaussian": "gaussians", "twogaussians": "gaussians",
    "blobs": "gaussians", "blob": "gaussians", "twoblobs": "gaussians",
    "spiral": "spiral", "spirals": "spiral",
}  # fmt: skip
_WHY_NOT = {
    "moons": "the moons interlock: each one's tip reaches into the other's hollow, so a line "
    "gets most points right but not all",
    "circles": "one class surrounds the other: every line through the inner circle has outer "
    "points on both of its sides",
    "xor": "opposite corners share a class: no line puts (+, +) and (−, −) on one side and "
    "(+, −), (−, +) on the other",
    "spiral": "the arms wind around each other: every line crosses each of them",
}
_WHY = {
    "gaussians": "two blobs lie on either side of a line, and a network with no hidden layer "
    "draws exactly a line, w · x + b = 0",
}


def _names(answer):
    """The student's answer as a set of the course's names, or a verdict on why not."""
    if answer is Ellipsis:
        raise _NotYet
    if isinstance(answer, str):
        answer = answer.replace(";", ",").split(",")
    elif isinstance(answer, dict):
        answer = list(answer)
    try:
        items = list(answer)
    except TypeError:
        raise _Wrong(
            f"expected a set of names such as {{'moons', 'xor'}}, got {type(answer).__name__} "
            f"{_short(answer)}"
        ) from None
    if any(item is Ellipsis for item in items):
        raise _NotYet
    names, unknown = set(), []
    for item in items:
        text = getattr(item, "__name__", item)  # bp.data.moons itself is fine too
        if not isinstance(text, str):
            unknown.append(_short(item))
            continue
        key = "".join(ch for ch in text.lower() if ch.isalnum())
        key = key.removeprefix("the")
        if key:
            if key in _ALIASES:
                names.add(_ALIASES[key])
            else:
                unknown.append(repr(text))
    if unknown:
        raise _Wrong(
            f"{', '.join(unknown)} is not one of the five data sets",
            f"use their names: {', '.join(map(repr, DATASETS))}",
        )
    return names


@_checker("separable")
def check_separable(answer):
    """Check the prediction: the set of data sets a network with no hidden layer separates."""
    names = _names(answer)
    extra, missing = sorted(names - SEPARABLE), sorted(SEPARABLE - names)
    if extra or missing:
        lines = [f"not quite: you named {sorted(names) or 'none'}"]
        lines += [f"{name} cannot be separated by a line: {_WHY_NOT[name]}" for name in extra]
        lines += [f"{name} can be: {_WHY[name]}" for name in missing]
        raise _Wrong(*lines)
    return "right: of the five, only the two Gaussians lie on either side of a straight line."


__all__ = [
    "SEPARABLE",
    "DATASETS",
    "check_bce",
    "check_softmax_ce_backward",
    "check_log_softmax",
    "check_separable",
]
