"""bp.Tensor: chapter 5's rule, downstream = local x upstream, run by a machine (chapter 10).

A Tensor is a float64 array with a ``.grad``, plus the operation that made it and that
operation's backward rule. ``loss.backward()`` visits the graph once, in reverse
topological order; every node hands each input its downstream gradient, and a value used
several times adds them up, {eq}`eq-fork-sum`. A teaching tool, not a framework: no
in-place operations, no graph optimisation, no GPU.
"""

from __future__ import annotations

import numbers

import numpy as np

from .activations import ACTIVATIONS


def sum_to(g, shape):
    """Sum a broadcast gradient back to an input's shape, {eq}`eq-sum-back`."""
    if g.shape == shape:
        return g
    shape = (int(shape),) if isinstance(shape, numbers.Integral) else tuple(shape)
    extra = g.ndim - len(shape)
    if extra < 0 or any(s not in (1, n) for s, n in zip(shape, g.shape[extra:], strict=True)):
        raise ValueError(
            f"cannot sum a gradient of shape {g.shape} back to shape {shape}: an input of "
            f"shape {shape} does not broadcast to {g.shape}; pass the shape of its own input"
        )
    axes = tuple(range(extra)) + tuple(
        extra + i for i, s in enumerate(shape) if s == 1 and g.shape[extra + i] != 1
    )
    return np.asarray(g.sum(axis=axes)).reshape(shape)


class Tensor:
    """A float64 array with ``.grad`` and the backward rule of the operation that made it.

    Tensor(value, name=None): value is a number or a numeric array; name labels the node
    in bp.BackpropStepper. Combine tensors with + - * / @, ** (integer powers), unary -,
    .sum(axis), .mean(axis), .tanh(), .sigmoid(), .relu(), .exp(), .log(); then call
    .backward() on a scalar.
    """

    __array_ufunc__ = None  # numpy array (op) Tensor calls our reflected operator instead

    def __init__(self, value, name: str | None = None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string or None, got {_describe(name)}")
        self.value = _numeric("value", value)
        self.grad = np.zeros_like(self.value)
        self.name = name
        self.op = ""  # the operation that made this node; "" for a leaf
        self.parents: tuple[Tensor, ...] = ()
        self.const = False  # a number or array wrapped as an operand: it gets no gradient
        self._rule, self.attrs = None, {}

    @staticmethod
    def _node(value, op, parents, rule, **attrs):
        out = Tensor.__new__(Tensor)  # skips the validation: value is already float64
        # an inner node's .grad is None until backward() fills it, as in PyTorch
        out.value, out.grad, out.name, out.op = value, None, None, op
        out.parents, out.const, out._rule = parents, False, rule
        out.attrs = attrs  # what the rule and the stepper need beyond the inputs (axis, p)
        return out

    @property
    def shape(self) -> tuple:
        return self.value.shape

    def __repr__(self) -> str:
        label = f", name={self.name!r}" if self.name else ""
        return f"Tensor({np.array2string(self.value, precision=4)}{label})"

    # -- the backward pass ----------------------------------------------------------------
    def local_and_downstream(self):
        """For each input: (local gradient, downstream gradient) given upstream self.grad."""
        return self._rule(self)

    def _backward(self):
        for parent, (_, downstream) in zip(self.parents, self._rule(self), strict=True):
            if not parent.const:
                parent.grad += downstream  # forks add: each use sends its share, eq-fork-sum

    def graph(self) -> list[Tensor]:
        """Every node this tensor was computed from, inputs before outputs (topological)."""
        order, seen = [], {id(self)}
        stack = [(self, iter(self.parents))]
        while stack:  # depth first without recursion: deep graphs cannot hit Python's limit
            node, parents = stack[-1]
            for parent in parents:
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append((parent, iter(parent.parents)))
                    break
            else:  # every input is listed: now the node itself
                stack.pop()
                order.append(node)
        return order

    def backward(self, grad=None) -> None:
        """Fill .grad of every node with dL/d(node), visiting each node once, outputs first.

        Starts from dL/dL = 1, so self must be a scalar unless grad (the seed dL/dself, of
        self's shape) is given. Leaves accumulate across calls, as in PyTorch; zero_grad()
        clears them.
        """
        if grad is None:
            if self.value.ndim != 0:
                raise ValueError(
                    f"backward() starts from a scalar loss, but this tensor has shape "
                    f"{self.shape}; reduce it first (.sum() or .mean()) or pass grad=, the "
                    f"seed gradient dL/d(this tensor), of shape {self.shape}"
                )
            seed = np.ones(())
        else:
            seed = _numeric("grad", grad)
            if seed.shape != self.shape:
                raise ValueError(
                    f"grad must have this tensor's shape {self.shape}, got {seed.shape}"
                )
        order = self.graph()
        for node in order:
            if node.parents:  # gradients of inner nodes are recomputed, not accumulated
                node.grad = np.zeros(node.value.shape)
        self.grad = self.grad + seed
        for node in reversed(order):  # every node after all the nodes that use it
            if node.parents:
                node._backward()

    def zero_grad(self) -> None:
        """Set .grad to zero on this tensor and on every tensor it was computed from."""
        for node in self.graph():
            node.grad = np.zeros(node.value.shape)

    # -- operations: each forward value, then its rule as (local, downstream) per input ----
    def __add__(self, other):
        a, b = self, _operand(other, "+")
        return Tensor._node(_broadcast(a, b, "+", np.add), "+", (a, b), _add_rule)

    def __sub__(self, other):
        a, b = self, _operand(other, "-")
        return Tensor._node(_broadcast(a, b, "-", np.subtract), "-", (a, b), _sub_rule)

    def __mul__(self, other):
        a, b = self, _operand(other, "*")
        return Tensor._node(_broadcast(a, b, "*", np.multiply), "*", (a, b), _mul_rule)

    def __truediv__(self, other):
        a, b = self, _operand(other, "/")
        return Tensor._node(_broadcast(a, b, "/", np.divide), "/", (a, b), _div_rule)

    def __matmul__(self, other):
        a, b = self, _operand(other, "@")
        if a.value.ndim == 0 or b.value.ndim == 0:
            raise ValueError(
                f"@ needs arrays of at least 1 dimension, got shapes {a.shape} and {b.shape}"
            )
        try:
            value = a.value @ b.value
        except ValueError:
            raise ValueError(
                f"cannot multiply shapes {a.shape} @ {b.shape}: the last axis of the left "
                f"({a.shape[-1]}) must match the {'first' if b.value.ndim == 1 else 'second-to-last'} "
                f"axis of the right ({b.shape[0 if b.value.ndim == 1 else -2]})"
            ) from None
        return Tensor._node(np.asarray(value, dtype=np.float64), "@", (a, b), _matmul_rule)

    def __radd__(self, other):
        return _operand(other, "+") + self

    def __rsub__(self, other):
        return _operand(other, "-") - self

    def __rmul__(self, other):
        return _operand(other, "*") * self

    def __rtruediv__(self, other):
        return _operand(other, "/") / self

    def __rmatmul__(self, other):
        return _operand(other, "@") @ self

    def __neg__(self):
        return Tensor._node(-self.value, "neg", (self,), _neg_rule)

    def __pow__(self, p):
        if isinstance(p, bool) or not isinstance(p, numbers.Integral):
            raise TypeError(f"the exponent of ** must be an integer, got {_describe(p)}")
        p = int(p)
        if p < 0 and np.any(self.value == 0):
            raise ValueError(f"a negative power ** {p} of a tensor that holds 0 divides by zero")
        return Tensor._node(self.value**p, "**", (self,), _pow_rule, p=p)

    def sum(self, axis=None):
        """The sum over axis (an int, a tuple, or None for all)."""
        return Tensor._node(
            np.asarray(self.value.sum(axis=_axis(axis, self))), "sum", (self,), _sum_rule, axis=axis
        )

    def mean(self, axis=None):
        """The mean over axis (an int, a tuple, or None for all)."""
        value = np.asarray(self.value.mean(axis=_axis(axis, self)))
        return Tensor._node(
            value, "mean", (self,), _sum_rule, axis=axis, scale=value.size / self.value.size
        )

    def tanh(self):
        return self._activation("tanh")

    def sigmoid(self):
        return self._activation("sigmoid")

    def relu(self):
        return self._activation("relu")

    def exp(self):
        """e to the power of each entry (chapter 12 builds the softmax from it)."""
        return Tensor._node(np.exp(self.value), "exp", (self,), _exp_rule)

    def log(self):
        """The natural logarithm of each entry; every entry must be > 0."""
        if np.any(self.value <= 0):
            raise ValueError("log() needs every entry > 0; this tensor holds 0 or a negative")
        return Tensor._node(np.log(self.value), "log", (self,), _log_rule)

    def _activation(self, name):
        act = ACTIVATIONS[name]
        return Tensor._node(act.fn(self.value), name, (self,), _activation_rule, act=act)


# -- backward rules: out.grad is the upstream gradient; each returns (local, downstream) per
# input, downstream = local x upstream (eq-backprop-rule), summed back to the input's shape.
def _add_rule(out):
    a, b = out.parents
    g = out.grad
    return (1.0, sum_to(g, a.shape)), (1.0, sum_to(g, b.shape))  # d(a+b)/da = 1, eq-backprop-rule


def _sub_rule(out):
    a, b = out.parents
    g = out.grad
    return (1.0, sum_to(g, a.shape)), (-1.0, sum_to(-g, b.shape))  # like r = f - y, eq-dL-df


def _mul_rule(out):
    a, b = out.parents
    g = out.grad
    # d(ab)/da = b and d(ab)/db = a: each input's local gradient is the other input
    return (b.value, sum_to(g * b.value, a.shape)), (a.value, sum_to(g * a.value, b.shape))


def _div_rule(out):
    a, b = out.parents
    g = out.grad
    da, db = 1.0 / b.value, -out.value / b.value  # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
    return (da, sum_to(g * da, a.shape)), (db, sum_to(g * db, b.shape))


def _matmul_rule(out):
    a, b = out.parents
    if a.value.ndim == b.value.ndim == 1:  # a dot product: each local gradient is the other input
        return (b.value, out.grad * b.value), (a.value, out.grad * a.value)
    A = a.value if a.value.ndim > 1 else a.value[None, :]  # (.., n, k); a vector is a row
    B = b.value if b.value.ndim > 1 else b.value[:, None]  # (.., k, m); a vector is a column
    G = out.grad.reshape(np.matmul(A, B).shape)  # (.., n, m), the dropped axes put back
    # dL/dA = G B^T and dL/dB = A^T G: eq-batch-grad-w2 is the case of a vector w2
    da = sum_to(G @ np.swapaxes(B, -1, -2), A.shape).reshape(a.shape)  # (.., n, k)
    db = sum_to(np.swapaxes(A, -1, -2) @ G, B.shape).reshape(b.shape)  # (.., k, m)
    return (np.swapaxes(B, -1, -2), da), (np.swapaxes(A, -1, -2), db)


def _neg_rule(out):
    return ((-1.0, -out.grad),)


def _pow_rule(out):
    (a,) = out.parents
    p = out.attrs["p"]
    local = p * a.value ** (p - 1) if p != 0 else np.zeros_like(a.value)  # d(a^p)/da, like L = r^2
    return ((local, out.grad * local),)


def _sum_rule(out):
    (a,) = out.parents
    axis, scale = out.attrs["axis"], out.attrs.get("scale", 1.0)
    g = out.grad if axis is None else np.expand_dims(out.grad, _axis(axis, a))
    # every summed entry has local gradient 1 (1/count for the mean): the upstream is copied back
    return ((scale, np.broadcast_to(g * scale, a.shape)),)


def _exp_rule(out):
    # d(e^a)/da = e^a: the local gradient is the node's own value
    return ((out.value, out.grad * out.value),)


def _log_rule(out):
    (a,) = out.parents
    local = 1.0 / a.value  # d(log a)/da = 1/a
    return ((local, out.grad * local),)


def _activation_rule(out):
    (a,) = out.parents
    act = out.attrs["act"]
    # act'(z) from the output, eq-sigmoid-prime, eq-tanh-prime, eq-relu-prime
    local = act.prime_from_output(a.value, out.value)
    return ((local, out.grad * local),)


# -- operands ----------------------------------------------------------------------------
def _describe(value) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) < 40 else text[:37] + '...'}"


def _numeric(name, value):
    if isinstance(value, Tensor):
        return value.value.copy()
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):  # a ragged list, or something numpy cannot read
        arr = None
    if arr is None or arr.dtype.kind not in "iuf":  # bool, complex, str, object: refused
        raise TypeError(
            f"{name} must be a number or a numeric array (int or float), got {_describe(value)}"
        )
    return arr.astype(np.float64)  # always a copy: the tensor owns its value


def _operand(other, op):
    if isinstance(other, Tensor):
        return other
    try:
        const = Tensor(other)
    except TypeError:
        raise TypeError(
            f"unsupported operand for {op}: a Tensor combines with a Tensor, a number or a "
            f"numeric array, got {_describe(other)}"
        ) from None
    const.const = True
    return const


def _broadcast(a, b, op, fn):
    try:
        return np.asarray(fn(a.value, b.value), dtype=np.float64)
    except ValueError:
        raise ValueError(
            f"cannot broadcast shapes {a.shape} and {b.shape} for {op}: numpy broadcasting "
            "needs each pair of trailing sizes equal or 1"
        ) from None


def _axis(axis, t):
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, numbers.Integral) and not isinstance(axis, bool) else axis
    if not isinstance(axes, tuple) or not all(
        isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in axes
    ):
        raise TypeError(f"axis must be None, an int or a tuple of ints, got {_describe(axis)}")
    nd = t.value.ndim
    if any(not -nd <= i < nd for i in axes):
        raise ValueError(f"axis {axis} is out of range for a tensor of shape {t.shape}")
    if len({i % nd for i in axes}) < len(axes):
        raise ValueError(f"axis {axis} names the same axis twice")
    return tuple(i % nd for i in axes)
