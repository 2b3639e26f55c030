"""What the student's code used, and what numpy's warnings on the way mean.

A checker judges values. When the values are right but numpy warned on the way, the warning
becomes a note beside the ✓ (``warning_note``); when they are wrong, NaN or inf, the route is
named (``warning_route``), and a function such as np.cosh only when the student's own code
calls it (``student_names`` reads the names from the code objects, never from comments).
"""

from __future__ import annotations

import dis
import inspect
import types

#: Modules whose functions are not the student's: their names are not followed.
_LIBRARIES = ("numpy", "backproplab", "scipy", "math", "builtins", "torch")

#: Where a numpy function leaves the float range (largest float about 1.8e308).
_LIMITS = {
    "exp": "np.exp(t) is inf once t > 709",
    "exp2": "np.exp2(t) is inf once t > 1023",
    "expm1": "np.expm1(t) is inf once t > 709",
    "cosh": "np.cosh(t) is inf once |t| > 710",
    "sinh": "np.sinh(t) is ±inf once |t| > 710",
}
_OPERATORS = {
    "multiply": "a product (*)",
    "divide": "a division (/)",
    "true_divide": "a division (/)",
    "power": "a power (**)",
    "square": "a square (** 2)",
    "add": "a sum (+)",
    "subtract": "a difference (−)",
    "reciprocal": "a reciprocal (1 / t)",
}
_INVALID = {
    "divide": "inf / inf (or 0 / 0) gave NaN",
    "true_divide": "inf / inf (or 0 / 0) gave NaN",
    "multiply": "0 · inf gave NaN",
    "subtract": "inf − inf gave NaN",
    "add": "inf + (−inf) gave NaN",
}


def _unwrap(fn):
    """The Python function inside np.vectorize, functools.partial or a decorator."""
    for _ in range(5):
        inner = next(
            (getattr(fn, a) for a in ("pyfunc", "func", "__wrapped__") if hasattr(fn, a)), None
        )
        if inner is None or inner is fn:
            break
        fn = inner
    return fn


def _code_names(code, out: set):
    """Every global, attribute and operator a code object (and those nested in it) uses."""
    out.update(code.co_names)
    for ins in dis.get_instructions(code):
        if ins.opname == "BINARY_FLOOR_DIVIDE" or (
            ins.opname == "BINARY_OP" and ins.argrepr in ("//", "//=")
        ):
            out.add("//")
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _code_names(const, out)


def student_names(*fns) -> frozenset[str]:
    """The names the student's functions use (np.cosh gives "np" and "cosh"; `//` gives "//").

    Helpers the student wrote (found through the function's globals and closure) count as
    their code; library functions do not. Never raises: unreadable code gives no names.
    """
    names: set[str] = set()
    todo, seen = [_unwrap(f) for f in fns], set()
    while todo and len(seen) < 30:
        fn = todo.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        try:
            code = getattr(fn, "__code__", None)
            module = str(getattr(fn, "__module__", "") or "")
            if code is None or module.split(".")[0] in _LIBRARIES:
                continue
            own: set[str] = set()
            _code_names(code, own)
            names |= own
            scope = getattr(fn, "__globals__", None) or {}
            cells = [c.cell_contents for c in (fn.__closure__ or ()) if _filled(c)]
            for helper in [scope.get(nm) for nm in own] + cells:
                if inspect.isfunction(helper) or hasattr(helper, "pyfunc"):
                    todo.append(_unwrap(helper))
        except Exception:  # never raise over a student's odd callable
            continue
    return frozenset(names)


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises ValueError
    except ValueError:
        return False
    return True


def _parse(message: str):
    kind, _, ufunc = str(message).partition(" encountered in ")
    return kind.strip(), ufunc.strip()


def meaning(message: str, names=frozenset()) -> str:
    """What one numpy RuntimeWarning says happened, in a learner's words."""
    kind, ufunc = _parse(message)
    if kind == "underflow":
        return "a number too small for a float became 0, which is never a mistake"
    if kind == "overflow":
        if ufunc in _LIMITS:
            used = ufunc in names
            text = _LIMITS[ufunc] if used else _LIMITS[ufunc].replace("np.", "numpy's ", 1)
            return text + ("" if used else " (inside a function your code called)")
        if ufunc in _OPERATORS:
            return (
                f"{_OPERATORS[ufunc]} of huge numbers passed the float range (about 1.8e308) "
                "and became inf"
            )
        return f"numpy's {ufunc} gave inf (the float range ends near 1.8e308)"
    if kind == "invalid value":
        return _INVALID.get(ufunc, f"numpy's {ufunc} gave NaN")
    if kind == "divide by zero":
        return "np.log(0) gave −inf" if ufunc.startswith("log") else "a division by 0 gave inf"
    return f"numpy warned “{message}”"


def _meanings(messages, names) -> list[str]:
    return list(dict.fromkeys(meaning(m, names) for m in messages))


def warning_note(messages, names=frozenset(), tip="") -> str:
    """The note beside a ✓ when the values are right but numpy warned on the way ("" if none).

    Underflow is left out (numpy itself stays silent about it by default). tip names a way
    to the same values without the warning.
    """
    kept = [m for m in dict.fromkeys(messages) if _parse(m)[0] != "underflow"]
    if not kept:
        return ""
    if "where" in names:
        why = "np.where computes both branches for every entry and keeps the right one"
    elif all(_parse(m)[0] == "overflow" for m in kept):
        why = "the inf then became the right value (1 / inf = 0)"
    else:
        why = "no NaN or inf reached your result"
    quoted = ", ".join(f"“{m}”" for m in kept[:3])
    return (
        f"Note: numpy warned {quoted}: {'; '.join(_meanings(kept, names))}; {why}, so it "
        "does no harm here" + (f" ({tip})" if tip else "") + "."
    )


def warning_route(messages, names=frozenset(), tip="") -> str:
    """The diagnosis of a NaN or inf that numpy warned about on its way ("" if none)."""
    kept = [m for m in dict.fromkeys(messages) if _parse(m)[0] != "underflow"]
    if not kept:
        return ""
    return "diagnosis: " + "; then ".join(_meanings(kept, names)) + (f" — {tip}" if tip else "")


def floor_division_hint(names) -> str:
    """The diagnosis of an answer whose every entry is 0 where the right ones are not."""
    if "//" in names:
        return (
            "diagnosis: every entry is 0 — `//` is whole-number (floor) division: 2 // n is 0 "
            "once n > 2, and it zeroes every gradient after it; write 2 / n"
        )
    return (
        "diagnosis: every entry is 0 where the right values are not — is a factor 0 (a "
        "whole-number division such as 2 // n, or int(...)), or did the result stay at its "
        "np.zeros start?"
    )
