"""Checkers for the exercises students complete, and the network with a planted bug (chapter 6).

Every ``check_*`` function tests a student's answer on fresh random inputs of several sizes
against the package's reference implementation. It judges values and never raises: it
prints one line that starts with "✓" and returns True (with a note when numpy warned on the
way to right values), or prints what is wrong (which entry, the expected and the actual
value, and a diagnosis when the mistake is a common one) and returns False.
A stub that is not filled in yet gets a kind "not implemented yet" line instead.

    import backproplab as bp
    bp.exercises.check_sigmoid_prime(sigmoid_prime)

One module per chapter holds that chapter's checkers (chapter 10's bug hunt has its own,
``ch10_forks``); ``machinery`` holds what they share, and ``routes`` reads what the student's
code used and what numpy's warnings on the way mean.
"""

from .ch03 import check_grad_w1_b1, check_grad_w2_b2, check_loss_and_grads
from .ch04 import check_sigmoid_prime, check_tanh_prime
from .ch06 import BuggyNetwork, S, check_bug_fix, check_numerical_grad
from .ch07 import LR_EPOCHS, LR_FACTOR, LR_TARGET, check_gd_step, check_learning_rate
from .ch08 import check_momentum_step
from .ch09 import check_backward
from .ch10 import (
    BUGGY_AUTOGRAD,
    Value,
    check_fork_fix,
    check_mul_backward,
    check_tanh_backward,
    numbered_source,
    value_grad_check,
)
from .ch11 import (
    DATASETS,
    SEPARABLE,
    check_bce,
    check_log_softmax,
    check_separable,
    check_softmax_ce_backward,
)
from .ch12 import (
    BUGGY_LOOP,
    buggy_train_tensor,
    check_accuracy_confusion,
    check_ce_backward,
    check_loop_fix,
    check_no_hidden_prediction,
)
from .machinery import SIZES, TOL

__all__ = [
    "SIZES",
    "TOL",
    "check_grad_w2_b2",
    "check_grad_w1_b1",
    "check_loss_and_grads",
    "check_sigmoid_prime",
    "check_tanh_prime",
    "S",
    "BuggyNetwork",
    "check_numerical_grad",
    "check_bug_fix",
    "LR_EPOCHS",
    "LR_FACTOR",
    "LR_TARGET",
    "check_gd_step",
    "check_learning_rate",
    "check_momentum_step",
    "check_backward",
    "check_mul_backward",
    "check_tanh_backward",
    "BUGGY_AUTOGRAD",
    "Value",
    "numbered_source",
    "value_grad_check",
    "check_fork_fix",
    "DATASETS",
    "SEPARABLE",
    "check_bce",
    "check_softmax_ce_backward",
    "check_log_softmax",
    "check_separable",
    "check_ce_backward",
    "check_accuracy_confusion",
    "BUGGY_LOOP",
    "buggy_train_tensor",
    "check_loop_fix",
    "check_no_hidden_prediction",
]
