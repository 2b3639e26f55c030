"""backproplab: the small network of "Backprop by Hand", its gradients, training and widgets.

import backproplab as bp
data = bp.bump_data()          # the experiment of bp.experiment: n, noise, seed
net = bp.Network(hidden=10, activation="sigmoid", seed=0)
loss, grads = net.loss_and_grads(data.x, data.y)
hist = bp.train(net, data.x, data.y, lr=0.1, epochs=1000)

moons = bp.data.moons()        # chapter 11: x (n, 2), integer labels y
clf = bp.DeepNetwork((2, 8, 2), "tanh", output="softmax")
"""

from . import data, deep, exercises, experiment, losses, metrics, plotting
from .activations import (
    ACTIVATIONS,
    Activation,
    get_activation,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    tanh,
    tanh_prime,
)
from .autograd import Tensor
from .data import NOISE, NOISE_FLOOR, Dataset, bump, bump_data
from .deep import DeepNetwork, init_deep_params
from .diagram import draw_graph, draw_tensor_graph
from .draw import DrawPad
from .experiment import ACTIVATION, EPOCHS, HIDDEN, INIT, LR, SEED, N  # bp.N ..., as documented
from .gradcheck import GradCheck, grad_check, numerical_grads, relative_error
from .gradnorms import layer_grad_norms, start_grad_norms
from .graph import BackpropSteps, BackwardStep, ForwardStep, backprop_steps, sample_graph
from .loop import loop_epoch, loop_loss_and_grads
from .losses import log_softmax, softmax
from .metrics import accuracy, confusion_matrix
from .network import INITS, PARAM_NAMES, Network, init_params
from .plotting import (
    COLORS,
    plot_activation,
    plot_boundary,
    plot_data,
    plot_fit,
    plot_loss,
    use_style,
)
from .prose import glue, glued
from .stepper import BackpropStepper
from .tensor_digits import one_hot, tensor_cross_entropy, tensor_forward, tensor_params
from .tensor_network import autograd_epoch, tensor_loss
from .tensor_steps import GraphSteps, tensor_steps
from .trainer import RECOMMENDED, Trainer
from .training import (
    GD,
    OPTIMIZERS,
    Adam,
    History,
    Momentum,
    TrainingDiverged,
    make_optimizer,
    train,
)

__version__ = "1.0.0"

__all__ = [
    "Tensor",
    "autograd_epoch",
    "tensor_loss",
    "one_hot",
    "tensor_cross_entropy",
    "tensor_forward",
    "tensor_params",
    "draw_tensor_graph",
    "GraphSteps",
    "tensor_steps",
    "ACTIVATIONS",
    "Activation",
    "get_activation",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "NOISE",
    "NOISE_FLOOR",
    "Dataset",
    "DeepNetwork",
    "init_deep_params",
    "layer_grad_norms",
    "start_grad_norms",
    "bump",
    "bump_data",
    "BackpropSteps",
    "BackwardStep",
    "ForwardStep",
    "backprop_steps",
    "sample_graph",
    "BackpropStepper",
    "RECOMMENDED",
    "Trainer",
    "draw_graph",
    "DrawPad",
    "glue",
    "glued",
    "GradCheck",
    "grad_check",
    "numerical_grads",
    "relative_error",
    "loop_epoch",
    "loop_loss_and_grads",
    "INITS",
    "PARAM_NAMES",
    "Network",
    "init_params",
    "OPTIMIZERS",
    "GD",
    "Adam",
    "History",
    "Momentum",
    "TrainingDiverged",
    "make_optimizer",
    "train",
    "exercises",
    "data",
    "deep",
    "losses",
    "metrics",
    "softmax",
    "log_softmax",
    "accuracy",
    "confusion_matrix",
    "experiment",
    "plotting",
    "plot_boundary",
    "COLORS",
    "plot_activation",
    "plot_data",
    "plot_fit",
    "plot_loss",
    "use_style",
]
__all__ += ["N", "HIDDEN", "ACTIVATION", "INIT", "LR", "EPOCHS", "SEED"]  # bp.N ..., documented
