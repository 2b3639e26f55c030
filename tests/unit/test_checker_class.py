"""A simulated class: realistic answers to every checker of chapters 3 to 10 (issue 17).

RIGHT holds right answers in many styles (loops, einsum, `@` or np.dot, ones-vector sums,
copies, 0-d arrays, stable and textbook forms); WRONG holds the wrong answers a class
writes. The tests ask: no wrong answer accepted, no right one rejected, no checker raises,
and at least 90% of the wrong answers *named*.

Named, concretely: the verdict says what the mistake is. Either its first line is a specific
verdict (an input changed in place, two values swapped, the wrong line, the arguments in the
wrong order ...), or its first line is one of the generic ones in GENERIC ("is wrong", "has
the wrong shape", "holds NaN or inf", "disagree with central differences", "is still wrong",
"it raised") and a later line starts with "diagnosis:" or "hint:". A line "no common
mistake recognised" is not a name.

    pytest tests/unit/test_checker_class.py -q -s   # prints the measured percentages
"""

import copy
import math

import numpy as np
import pytest

import backproplab as bp
from backproplab.autograd import sum_to

ex = bp.exercises
GENERIC = (
    "is wrong (",
    "has the wrong shape (",
    "holds NaN or inf (",
    "disagree with central differences",
    "is still wrong",
    ": it raised ",
)


def named(out: str) -> bool:
    first, *rest = out.splitlines() or [""]
    if any(g in first for g in GENERIC):
        return any(line.strip().startswith(("diagnosis:", "hint:")) for line in rest)
    return True


# -- chapter 3 -------------------------------------------------------------------------------
def fwd(x, p):
    z = x[:, None] * p["w1"] + p["b1"]  # (n, k)
    h = bp.sigmoid(z)
    return z, h, h @ p["w2"] + p["b2"]


def top(x, y, p, how="@"):
    n = len(x)
    z, h, f = fwd(x, p)
    d = 2 * (f - y) / n
    if how == "loop":
        dw2 = np.zeros(h.shape[1])
        db2 = 0.0
        for j in range(n):
            dw2 += d[j] * h[j]
            db2 += d[j]
        return dw2, db2
    if how == "einsum":
        return np.einsum("j,jk->k", d, h), np.einsum("j->", d)
    if how == "dot":
        return np.dot(h.T, d), np.dot(np.ones(n), d)
    if how == "0-d":
        return h.T @ d, np.array(d.sum())
    if how == "dict":
        return {"w2": h.T @ d, "b2": float(np.sum(d))}
    return h.T @ d, d.sum()


def hidden(x, y, p, how="@"):
    n = len(x)
    z, h, f = fwd(x, p)
    d = 2 * (f - y) / n
    delta = np.outer(d, p["w2"]) * h * (1 - h)  # (n, k)
    if how == "loop":
        k = len(p["w1"])
        dw1, db1 = np.zeros(k), np.zeros(k)
        for j in range(n):
            for i in range(k):
                dw1[i] += delta[j, i] * x[j]
                db1[i] += delta[j, i]
        return dw1, db1
    if how == "einsum":
        return np.einsum("jk,j->k", delta, x), np.einsum("jk->k", delta)
    if how == "ones":
        return delta.T @ x, delta.T @ np.ones(n)
    return x @ delta, delta.sum(axis=0)


def loss_grads(x, y, p, how=""):
    z, h, f = fwd(x, p)
    n = len(x)
    r = f - y
    d = 2 * r / n
    delta = d[:, None] * p["w2"] * bp.sigmoid_prime(z)
    grads = {"w1": x @ delta, "b1": delta.sum(0), "w2": h.T @ d, "b2": d.sum()}
    loss = np.mean(r**2)
    if how == "deepcopy":
        return float(loss), copy.deepcopy(grads)
    if how == "sum-loss":
        return np.sum(r**2), grads
    if how == "no-square":
        return np.mean(r), grads
    if how == "keys":
        return loss, {"d" + k: v for k, v in grads.items()}
    if how == "tuple":
        return loss, tuple(grads.values())
    if how == "b2-sign":
        return loss, {**grads, "b2": -grads["b2"]}
    return loss, grads


def top_wrong(how):
    def answer(x, y, p):
        n = len(x)
        z, h, f = fwd(x, p)
        d = {"no-2": (f - y) / n, "no-mean": 2 * (f - y), "sign": 2 * (y - f) / n}.get(
            how, 2 * (f - y) / n
        )
        if how == "floor":
            d = 2 // n * (f - y)
        if how == "z":
            return d @ z, d.sum()
        if how == "per-sample":
            return h * d[:, None], d.sum()
        if how == "keepdims":
            return h.T @ d, d.sum(keepdims=True)
        if how == "swapped":
            return d.sum(), h.T @ d
        if how == "mean-b2":
            return h.T @ d, d.mean()
        if how == "h-T":
            return d @ h.T, d.sum()
        return h.T @ d, d.sum()

    return answer


def hidden_wrong(how):
    def answer(x, y, p):
        n = len(x)
        z, h, f = fwd(x, p)
        d = 2 * (f - y) / n
        w = p["w1"] if how == "w1" else p["w2"]
        prime = {"no-prime": 1.0, "prime-of-h": bp.sigmoid_prime(h)}.get(how, h * (1 - h))
        delta = np.outer(d, w) * prime
        if how == "no-x":
            return delta.sum(0), delta.sum(0)
        if how == "b-times-x":
            return x @ delta, x @ delta
        if how == "delta-x":
            return delta @ x, delta.sum(0)
        if how == "b-axis-1":
            return x @ delta, delta.sum(axis=1)
        return x @ delta, delta.sum(0)

    return answer


# -- chapter 4 -------------------------------------------------------------------------------
def sig_naive(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


def sig_where(z):
    s = np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
    return s * (1 - s)


def sig_errstate(z):
    with np.errstate(over="ignore"):
        s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


def sig_if(z):
    if z >= 0:
        return np.exp(-z) / (1 + np.exp(-z)) ** 2
    return np.exp(z) / (1 + np.exp(z)) ** 2


def sig_math(z):
    s = 1 / (1 + math.exp(-z))
    return s * (1 - s)


def tanh_prime_0d(z):  # works one number at a time, on 0-d arrays
    return np.array([1 - np.tanh(np.array(t)) ** 2 for t in z.ravel()]).reshape(z.shape)


SIGMOID_PRIME_RIGHT = {
    "σ(1 − σ) with bp.sigmoid": lambda z: bp.sigmoid(z) * (1 - bp.sigmoid(z)),
    "e^−|z| / (1 + e^−|z|)²": lambda z: np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))) ** 2,
    "naive sigmoid, then s(1 − s)": sig_naive,
    "1 / (2 + e^z + e^−z)": lambda z: 1 / (2 + np.exp(z) + np.exp(-z)),
    "¼ / cosh²(z/2)": lambda z: 0.25 / np.cosh(z / 2) ** 2,
    "logaddexp": lambda z: np.exp(-np.logaddexp(0, -z) - np.logaddexp(0, z)),
    "logaddexp, one term": lambda z: np.exp(z - 2 * np.logaddexp(0, z)),
    "np.where piecewise sigmoid": sig_where,
    "wrapped in np.errstate": sig_errstate,
    "np.vectorize of a scalar formula": np.vectorize(
        lambda t: np.exp(-abs(t)) / (1 + np.exp(-abs(t))) ** 2
    ),
    "tanh form ¼(1 − tanh²(z/2))": lambda z: 0.25 * (1 - np.tanh(z / 2) ** 2),
}
TANH_PRIME_RIGHT = {
    "1 − tanh²": lambda z: 1 - np.tanh(z) ** 2,
    "1 / cosh²(z)": lambda z: 1 / np.cosh(z) ** 2,
    "cosh(z)**−2": lambda z: np.cosh(z) ** -2.0,
    "1/cosh/cosh": lambda z: 1 / np.cosh(z) / np.cosh(z),
    "4 / (e^z + e^−z)²": lambda z: 4 / (np.exp(z) + np.exp(-z)) ** 2,
    "(2 / (e^z + e^−z))²": lambda z: (2 / (np.exp(z) + np.exp(-z))) ** 2,
    "4 σ′(2z)": lambda z: 4 * bp.sigmoid_prime(2 * z),
    "4 e^−2|z| / (1 + e^−2|z|)²": lambda z: (
        4 * np.exp(-2 * np.abs(z)) / (1 + np.exp(-2 * np.abs(z))) ** 2
    ),
    "logaddexp": lambda z: np.exp(2 * (np.log(2) - np.logaddexp(z, -z))),
    "np.where for large |z|": lambda z: np.where(
        np.abs(z) > 20, 4 * np.exp(-2 * np.abs(z)), 1 - np.tanh(z) ** 2
    ),
    "(1 − t)(1 + t)": lambda z: (1 - np.tanh(z)) * (1 + np.tanh(z)),
    "np.vectorize with math.tanh": np.vectorize(lambda t: 1 - math.tanh(t) ** 2),
    "0-d arrays one at a time": tanh_prime_0d,
    "a list of rows": lambda z: (1 - np.tanh(z) ** 2).tolist(),
}


# -- chapter 6 -------------------------------------------------------------------------------
def ng(how=""):
    def numerical_grad(fn, theta, eps=1e-6):
        if how == "eye":
            e = np.eye(theta.size) * eps
            return np.array(
                [(fn(theta + e[i]) - fn(theta - e[i])) / (2 * eps) for i in range(theta.size)]
            )
        out = []
        for i in range(theta.size - (how == "skips-last")):
            up = theta if how == "no-copy" else theta.copy()
            down = theta if how == "no-copy" else theta.copy()
            step = 1e-6 if how == "ignores-eps" else eps
            if how == "all-at-once":
                up, down = theta + step, theta - step
            else:
                up[i] += step
                down[i] -= step
            if how == "forward":
                out.append((fn(up) - fn(theta)) / step)
            elif how == "by-eps":
                out.append((fn(up) - fn(down)) / step)
            else:
                out.append((fn(up) - fn(down)) / (2 * step))
        if how == "skips-last":
            out.append(0.0)
        if how == "list":
            return out
        return np.array(out)

    return numerical_grad


def ng_in_place(fn, theta, eps=1e-6):
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        theta[i] += eps
        up = fn(theta)
        theta[i] -= 2 * eps
        grad[i] = (up - fn(theta)) / (2 * eps)  # forgets to put θ_i back
    return grad


def ng_restores(fn, theta, eps=1e-6):  # right: in place, then restored
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        keep = theta[i]
        theta[i] = keep + eps
        up = fn(theta)
        theta[i] = keep - eps
        grad[i] = (up - fn(theta)) / (2 * eps)
        theta[i] = keep
    return grad


def fixed(how=""):
    def fixed_predict(params, x):
        h = bp.sigmoid(np.outer(x, params["w1"]) + params["b1"])
        if how == "loop":
            return np.array([sum(params["w2"] * hj) + params["b2"] for hj in h])
        if how == "einsum":
            return np.einsum("nk,k->n", h, params["w2"]) + params["b2"]
        if how == "still-S":
            return h @ params["w2"] + ex.S
        if how == "no-b2":
            return h @ params["w2"]
        if how == "z":
            return (np.outer(x, params["w1"]) + params["b1"]) @ params["w2"] + params["b2"]
        return np.dot(h, params["w2"]) + params["b2"]

    return fixed_predict


# -- chapters 7 and 8 ------------------------------------------------------------------------
def gd(how=""):
    def gd_step(params, grads, lr):
        if how == "deepcopy":
            new = copy.deepcopy(params)
            for k in new:
                new[k] -= lr * grads[k]
            return new
        if how == "splat":
            return {**params, **{k: params[k] - lr * grads[k] for k in grads}}
        if how == "in-place":
            for k in params:
                params[k] -= lr * grads[k]
            return params
        if how == "alias":
            new = params
            for k in new:
                new[k] = new[k] - lr * grads[k]
            return new
        sign, rate = (-1, lr) if how == "plus" else (1, 1 if how == "no-lr" else lr)
        if how == "lr2":
            rate = lr * lr
        if how == "step":
            return {k: lr * grads[k] for k in params}
        return {k: params[k] - sign * rate * grads[k] for k in params}

    return gd_step


def mom(how=""):
    def momentum_step(params, grads, velocity, lr, beta):
        if how == "other":
            v = {k: beta * velocity[k] - lr * grads[k] for k in params}
            return {k: params[k] + v[k] for k in params}, v
        if how == "ema":
            v = {k: beta * velocity[k] + (1 - beta) * grads[k] for k in params}
        else:
            v = {k: beta * velocity[k] + grads[k] for k in params}
        old = velocity if how == "old-v" else v
        p = {k: params[k] - lr * old[k] for k in params}
        if how == "swapped":
            return v, p
        if how == "in-place":
            for k in params:
                velocity[k] *= beta
                velocity[k] += grads[k]
                params[k] -= lr * velocity[k]
            return params, velocity
        if how == "copy":
            return copy.deepcopy(p), dict(v)
        return p, v

    return momentum_step


# -- chapter 9 -------------------------------------------------------------------------------
def deep(how=""):
    def backward(Z, A, y, params, act_prime):
        L, n = len(Z), y.size
        delta = (2.0 / n) * (A[L] - y[:, None])
        if how == "no-2":
            delta = delta / 2
        if how == "no-1/n":
            delta = delta * n
        if how == "y-row":
            delta = (2.0 / n) * (A[L] - y)
        if how == "floor":
            delta = (2 // n) * (A[L] - y[:, None])
        if how == "output-prime":
            delta = delta * act_prime(Z[-1])
        grads = {}
        for l in range(L, 0, -1):  # noqa: E741
            a = A[l] if how == "A-own" else A[l - 1]
            grads[f"W{l}"] = delta.T @ a if how == "W-flipped" else a.T @ delta
            if how == "einsum":
                grads[f"W{l}"] = np.einsum("ni,nj->ij", a, delta)
            grads[f"b{l}"] = {
                "b-mean": lambda d: d.mean(0),
                "b-axis-1": lambda d: d.sum(1),
                "b-none": lambda d: d,
                "b-all": lambda d: d.sum(),
                "ones": lambda d: np.ones(n) @ d,
            }.get(how, lambda d: d.sum(axis=0))(delta)
            W = params[f"W{l}"]
            if how == "updated-W":
                W = W - 0.1 * grads[f"W{l}"]
            if how == "updated-params":
                params[f"W{l}"] = params[f"W{l}"] - grads[f"W{l}"]
                W = params[f"W{l}"]
            if l > 1:
                back = delta @ W if how == "no-T" else delta @ W.T
                z = {"prime-above": Z[l - 1], "prime-at-A": A[l - 1]}.get(how, Z[l - 2])
                delta = back if how == "no-prime" else back * act_prime(z)
        if how == "zero-based":
            return {k[0] + str(int(k[1:]) - 1): v for k, v in grads.items()}
        if how == "tuple":
            return tuple(grads.values())
        if how == "deepcopy":
            return copy.deepcopy(grads)
        return grads

    return backward


def gd_float(params, grads, lr):  # right: the scalar b2 as a Python float
    return {
        k: float(v - lr * grads[k]) if np.ndim(v) == 0 else v - lr * grads[k]
        for k, v in params.items()
    }


def gd_loop(params, grads, lr):  # right: entry by entry
    new = {}
    for k, v in params.items():
        flat = [vi - lr * gi for vi, gi in zip(np.ravel(v), np.ravel(grads[k]), strict=True)]
        new[k] = np.array(flat).reshape(np.shape(v))
    return new


def mom_dict(params, grads, velocity, lr, beta):  # right: a dict of the two dicts
    v = {k: beta * velocity[k] + grads[k] for k in params}
    return {"params": {k: params[k] - lr * v[k] for k in params}, "velocity": v}


def deep_lists_and_extra(Z, A, y, params, act_prime):  # right: lists, and one key more
    grads = {k: v.tolist() for k, v in deep()(Z, A, y, params, act_prime).items()}
    return {**grads, "delta": None}


def loss_grads_lists(x, y, p):  # right: a 0-d loss and lists of gradients
    loss, grads = loss_grads(x, y, p)
    return np.array(loss), {k: np.asarray(v).tolist() for k, v in grads.items()}


def ng_eye_list(fn, theta, eps=1e-6):  # right: a list, one basis vector at a time
    return [(fn(theta + eps * e) - fn(theta - eps * e)) / (2 * eps) for e in np.eye(len(theta))]


def deep_right_indexing(Z, A, y, params, act_prime):  # right: layers numbered from 0
    L, n = len(Z), len(y)
    grads = {}
    d = 2 * (Z[L - 1] - y.reshape(-1, 1)) / n
    for i in reversed(range(L)):  # Python index i is layer i + 1
        grads[f"W{i + 1}"] = np.dot(A[i].T, d)
        grads[f"b{i + 1}"] = np.sum(d, axis=0)
        if i > 0:
            d = np.dot(d, params[f"W{i + 1}"].T) * act_prime(Z[i - 1])
    return grads


# -- chapter 10 ------------------------------------------------------------------------------
def mul(how=""):
    def mul_backward(a, b, out):
        up = out.value if how == "out-value" else out.grad
        if how == "no-upstream":
            up = np.ones_like(out.grad)
        ga, gb = up * b.value, up * a.value
        if how == "swapped":
            ga, gb = gb, ga
        if how == "no-sum":
            a.grad += ga
            b.grad += gb
            return None
        if how == "assign":
            a.grad = sum_to(ga, a.shape)
            b.grad = sum_to(gb, b.shape)
        elif how == "minus":
            a.grad -= sum_to(ga, a.shape)
            b.grad -= sum_to(gb, b.shape)
        elif how == "returns":
            return sum_to(ga, a.shape), sum_to(gb, b.shape)
        else:
            a.grad = a.grad + sum_to(ga, a.shape)
            if how != "only-a":
                b.grad = b.grad + sum_to(gb, b.shape)
        return None

    return mul_backward


def tanh_rule(how=""):
    def tanh_backward(a, out):
        t = out.value
        local = {
            "no-square": 1 - t,
            "input": 1 - a.value**2,
            "plus": 1 + t**2,
            "itself": t,
            "sigmoid": t * (1 - t),
            "cosh": 1 / np.cosh(a.value) ** 2,
            "factored": (1 - t) * (1 + t),
        }.get(how, 1 - t**2)
        up = out.value if how == "out-value" else out.grad
        if how == "no-upstream":
            up = 1.0
        if how == "assign":
            a.grad = up * local
        elif how == "minus":
            a.grad -= up * local
        else:
            a.grad += up * local

    return tanh_backward


def mul_resets(a, b, out):  # clears both gradients first, then adds
    a.grad = np.zeros_like(a.value)
    b.grad = np.zeros_like(b.value)
    a.grad += sum_to(out.grad * b.value, a.shape)
    b.grad += sum_to(out.grad * a.value, b.shape)


def mul_resets_each(a, b, out):  # clears each gradient just before adding to it
    a.grad = np.zeros_like(a.value)
    a.grad += sum_to(out.grad * b.value, a.shape)
    b.grad = np.zeros_like(b.value)
    b.grad += sum_to(out.grad * a.value, b.shape)


def tanh_resets(a, out):
    a.grad = 0
    a.grad += out.grad * (1 - out.value**2)


BUG = next(
    i
    for i, line in enumerate(ex.BUGGY_AUTOGRAD.splitlines(), 1)
    if line.strip() == "parent.grad = downstream"
)

# -- the class -------------------------------------------------------------------------------
RIGHT = {
    **{f"grad_w2_b2 {h}": (ex.check_grad_w2_b2, (lambda x, y, p, h=h: top(x, y, p, h),)) for h in ("@", "loop", "einsum", "dot", "0-d", "dict")},
    **{f"grad_w1_b1 {h}": (ex.check_grad_w1_b1, (lambda x, y, p, h=h: hidden(x, y, p, h),)) for h in ("@", "loop", "einsum", "ones")},
    "loss_and_grads": (ex.check_loss_and_grads, (loss_grads,)),
    "loss_and_grads lists": (ex.check_loss_and_grads, (loss_grads_lists,)),
    "numerical_grad eye list": (ex.check_numerical_grad, (ng_eye_list,)),
    "gd_step float b2": (ex.check_gd_step, (gd_float,)),
    "gd_step loop": (ex.check_gd_step, (gd_loop,)),
    "momentum_step dict": (ex.check_momentum_step, (mom_dict,)),
    "backward lists and a key more": (ex.check_backward, (deep_lists_and_extra,)),
    "fork_fix comment, semicolon": (ex.check_fork_fix, (np.int64(BUG), "parent.grad += downstream;  # add the uses")),
    "loss_and_grads deepcopy": (ex.check_loss_and_grads, (lambda x, y, p: loss_grads(x, y, p, "deepcopy"),)),
    **{f"sigmoid_prime {k}": (ex.check_sigmoid_prime, (f,)) for k, f in SIGMOID_PRIME_RIGHT.items()},
    **{f"tanh_prime {k}": (ex.check_tanh_prime, (f,)) for k, f in TANH_PRIME_RIGHT.items()},
    "numerical_grad copies": (ex.check_numerical_grad, (ng(),)),
    "numerical_grad list": (ex.check_numerical_grad, (ng("list"),)),
    "numerical_grad eye": (ex.check_numerical_grad, (ng("eye"),)),
    "numerical_grad restores": (ex.check_numerical_grad, (ng_restores,)),
    "bug_fix np.dot": (ex.check_bug_fix, ("b2", fixed())),
    "bug_fix loop": (ex.check_bug_fix, ("B_2", fixed("loop"))),
    "bug_fix einsum": (ex.check_bug_fix, ("the bias b2", fixed("einsum"))),
    "gd_step": (ex.check_gd_step, (gd(),)),
    "gd_step deepcopy": (ex.check_gd_step, (gd("deepcopy"),)),
    "gd_step splat": (ex.check_gd_step, (gd("splat"),)),
    "momentum_step": (ex.check_momentum_step, (mom(),)),
    "momentum_step copies": (ex.check_momentum_step, (mom("copy"),)),
    "backward": (ex.check_backward, (deep(),)),
    "backward einsum": (ex.check_backward, (deep("einsum"),)),
    "backward ones": (ex.check_backward, (deep("ones"),)),
    "backward deepcopy": (ex.check_backward, (deep("deepcopy"),)),
    "backward 0-based loop": (ex.check_backward, (deep_right_indexing,)),
    "mul_backward": (ex.check_mul_backward, (mul(),)),
    "tanh_backward": (ex.check_tanh_backward, (tanh_rule(),)),
    "tanh_backward cosh": (ex.check_tanh_backward, (tanh_rule("cosh"),)),
    "tanh_backward factored": (ex.check_tanh_backward, (tanh_rule("factored"),)),
    "fork_fix +=": (ex.check_fork_fix, (BUG, "parent.grad += downstream")),
    "fork_fix text, spelled out": (ex.check_fork_fix, ("parent.grad = downstream", "parent.grad = parent.grad + downstream")),
    "fork_fix pasted": (ex.check_fork_fix, (str(BUG), f"{BUG}  parent.grad += downstream")),
    "fork_fix np.add": (ex.check_fork_fix, (f"line {BUG}", "parent.grad = np.add(parent.grad, downstream)")),
}  # fmt: skip

WRONG = {
    **{f"grad_w2_b2 {h}": (ex.check_grad_w2_b2, (top_wrong(h),)) for h in ("no-2", "no-mean", "sign", "floor", "z", "per-sample", "keepdims", "swapped", "mean-b2", "h-T")},
    **{f"grad_w1_b1 {h}": (ex.check_grad_w1_b1, (hidden_wrong(h),)) for h in ("w1", "no-prime", "prime-of-h", "no-x", "b-times-x", "delta-x", "b-axis-1")},
    **{f"loss_and_grads {h}": (ex.check_loss_and_grads, (lambda x, y, p, h=h: loss_grads(x, y, p, h),)) for h in ("sum-loss", "no-square", "keys", "tuple", "b2-sign")},
    "sigmoid_prime σ": (ex.check_sigmoid_prime, (bp.sigmoid,)),
    "sigmoid_prime z(1 − z)": (ex.check_sigmoid_prime, (lambda z: z * (1 - z),)),
    "sigmoid_prime e^−z ratio": (ex.check_sigmoid_prime, (lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,)),
    "sigmoid_prime math.exp": (ex.check_sigmoid_prime, (sig_math,)),
    "sigmoid_prime if": (ex.check_sigmoid_prime, (sig_if,)),
    "sigmoid_prime @": (ex.check_sigmoid_prime, (lambda z: bp.sigmoid(z) @ (1 - bp.sigmoid(z)),)),
    "sigmoid_prime 1 − σ²": (ex.check_sigmoid_prime, (lambda z: 1 - bp.sigmoid(z) ** 2,)),
    "sigmoid_prime sign": (ex.check_sigmoid_prime, (lambda z: bp.sigmoid(z) * (bp.sigmoid(z) - 1),)),
    "tanh_prime 1 − t": (ex.check_tanh_prime, (lambda z: 1 - np.tanh(z),)),
    "tanh_prime 1 − z²": (ex.check_tanh_prime, (lambda z: 1 - z**2,)),
    "tanh_prime ^": (ex.check_tanh_prime, (lambda z: 1 - np.tanh(z) ^ 2,)),
    "tanh_prime 2σ′(2z)": (ex.check_tanh_prime, (lambda z: 2 * bp.sigmoid_prime(2 * z),)),
    "tanh_prime (1 − t)²": (ex.check_tanh_prime, (lambda z: (1 - np.tanh(z)) ** 2,)),
    "tanh_prime 1/cosh": (ex.check_tanh_prime, (lambda z: 1 / np.cosh(z),)),
    "tanh_prime tanh(z²)": (ex.check_tanh_prime, (lambda z: 1 - np.tanh(z**2),)),
    "tanh_prime cosh² − sinh²": (ex.check_tanh_prime, (lambda z: (np.cosh(z) ** 2 - np.sinh(z) ** 2) / np.cosh(z) ** 2,)),
    **{f"numerical_grad {h}": (ex.check_numerical_grad, (ng(h),)) for h in ("forward", "by-eps", "no-copy", "ignores-eps", "all-at-once", "skips-last")},
    "numerical_grad in place": (ex.check_numerical_grad, (ng_in_place,)),
    "bug_fix w2": (ex.check_bug_fix, ("w2", fixed())),
    "bug_fix b1": (ex.check_bug_fix, ("b1", fixed())),
    "bug_fix still S": (ex.check_bug_fix, ("b2", fixed("still-S"))),
    "bug_fix no b2": (ex.check_bug_fix, ("b2", fixed("no-b2"))),
    "bug_fix z": (ex.check_bug_fix, ("b2", fixed("z"))),
    "bug_fix order": (ex.check_bug_fix, (fixed(), "b2")),
    **{f"gd_step {h}": (ex.check_gd_step, (gd(h),)) for h in ("plus", "no-lr", "lr2", "step", "in-place", "alias")},
    "learning rate negative": (ex.check_learning_rate, (-0.1,)),
    "learning rate text": (ex.check_learning_rate, ("0.1",)),
    **{f"momentum_step {h}": (ex.check_momentum_step, (mom(h),)) for h in ("other", "ema", "old-v", "swapped", "in-place")},
    **{f"backward {h}": (ex.check_backward, (deep(h),)) for h in ("no-2", "no-1/n", "y-row", "floor", "output-prime", "A-own", "W-flipped", "b-mean", "b-axis-1", "b-none", "b-all", "updated-W", "updated-params", "no-T", "prime-above", "prime-at-A", "no-prime", "zero-based", "tuple")},
    **{f"mul_backward {h}": (ex.check_mul_backward, (mul(h),)) for h in ("out-value", "no-upstream", "swapped", "no-sum", "assign", "minus", "returns", "only-a")},
    "mul_backward resets": (ex.check_mul_backward, (mul_resets,)),
    "mul_backward resets each": (ex.check_mul_backward, (mul_resets_each,)),
    "tanh_backward resets": (ex.check_tanh_backward, (tanh_resets,)),
    "tanh_backward (out, a)": (ex.check_tanh_backward, (lambda out, a: tanh_rule()(a, out),)),
    **{f"tanh_backward {h}": (ex.check_tanh_backward, (tanh_rule(h),)) for h in ("no-square", "input", "plus", "itself", "sigmoid", "out-value", "no-upstream", "assign", "minus")},
    **{f"fork_fix {f!r}": (ex.check_fork_fix, (BUG, f)) for f in ("parent.grad =+ downstream", "parent.grad -= downstream", "parent.grad = downstream + 0", "parent.grad = np.zeros_like(parent.grad); parent.grad += downstream", "parent.grad += downstream * node.grad", "parent.grad = downstream", "parent.grad = downstream  # fixed", "parent.grad += downstream)", "parent.grad += node.grad", "node.grad += downstream")},
    "fork_fix wrong line": (ex.check_fork_fix, (BUG - 1, "parent.grad += downstream")),
    "fork_fix order": (ex.check_fork_fix, ("parent.grad += downstream", BUG)),
}  # fmt: skip


def verdicts(table, capsys):
    """Run every answer of a table: {key: (returned, printed)}; a checker that raises fails."""
    out = {}
    for key, (checker, args) in table.items():
        ok = checker(*args, seed=3) if checker is not ex.check_learning_rate else checker(*args)
        out[key] = (ok, capsys.readouterr().out)
    return out


def test_the_class_has_enough_answers():
    chapters = {key.split()[0] for key in WRONG}
    assert len(WRONG) >= 60 and len(RIGHT) >= 40
    assert len(chapters) >= 13  # every checker of chapters 3 to 10 but the learning rate's run


def test_no_right_answer_is_rejected(capsys):
    got = verdicts(RIGHT, capsys)
    rejected = {k: out for k, (ok, out) in got.items() if ok is not True}
    assert not rejected, rejected
    assert all(out.count("\n") == 1 and out.startswith("✓ ") for _, out in got.values())


def test_no_wrong_answer_is_accepted_and_nine_in_ten_are_named(capsys):
    got = verdicts(WRONG, capsys)
    accepted = [k for k, (ok, _) in got.items() if ok is not False]
    assert not accepted, accepted
    assert all(out.startswith("✗ ") and "could not finish" not in out for _, out in got.values())
    unnamed = {k: out for k, (_, out) in got.items() if not named(out)}
    share = 1 - len(unnamed) / len(got)
    print(f"\nwrong answers: {len(got)}, named: {len(got) - len(unnamed)} ({share:.0%})")
    assert share >= 0.9, unnamed


@pytest.mark.parametrize(
    "key",
    ["sigmoid_prime naive sigmoid, then s(1 − s)", "tanh_prime 1 / cosh²(z)"],
)
def test_a_harmless_overflow_is_a_note_beside_the_tick(key, capsys):
    checker, (answer,) = RIGHT[key]
    assert checker(answer, seed=0) is True
    out = capsys.readouterr().out
    assert out.startswith("✓ ") and "Note: numpy warned “overflow encountered in" in out
    assert "1 / inf = 0), so it does no harm here" in out


def test_an_underflow_or_a_silenced_warning_gets_no_note(capsys):
    for key in ("sigmoid_prime e^−|z| / (1 + e^−|z|)²", "sigmoid_prime wrapped in np.errstate"):
        checker, (answer,) = RIGHT[key]
        assert checker(answer, seed=0) is True
        assert "Note" not in capsys.readouterr().out


def test_the_route_is_named_only_when_the_students_code_took_it(capsys):
    ex.check_tanh_prime(WRONG["tanh_prime cosh² − sinh²"][1][0], seed=0)
    out = capsys.readouterr().out
    assert "np.cosh(t) is inf once |t| > 710" in out and "np.exp" not in out
    ex.check_sigmoid_prime(WRONG["sigmoid_prime e^−z ratio"][1][0], seed=0)
    out = capsys.readouterr().out
    assert "np.exp(t) is inf once t > 709" in out and "cosh" not in out


def sech(t):  # a helper the student wrote: its names count as the student's code
    return 1 / np.cosh(t)


def tanh_prime_via_helper(z):  # np.cosh would overflow: this comment is not code
    return sech(z) ** 2


def test_only_the_students_own_code_is_read_for_the_route():
    from backproplab.exercises import routes

    assert {"np", "cosh", "sech"} <= routes.student_names(tanh_prime_via_helper)
    assert "cosh" not in routes.student_names(TANH_PRIME_RIGHT["1 − tanh²"])
    assert "cosh" in routes.student_names(np.vectorize(lambda t: 1 / math.cosh(t) ** 2))
    assert "//" in routes.student_names(top_wrong("floor"))
    assert routes.student_names(print, 3, None) == frozenset()  # never raises
    assert routes.meaning("overflow encountered in cosh", {"np", "exp"}).startswith(
        "numpy's cosh(t) is inf once |t| > 710 (inside a function your code called)"
    )
    assert routes.meaning("overflow encountered in cosh", {"cosh"}).startswith("np.cosh(t)")
