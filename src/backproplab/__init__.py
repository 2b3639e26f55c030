"""backproplab: the small network of "Backprop by Hand", its gradients, training and widgets.

import backproplab as bp
data = bp.bump_data()          # the experiment of bp.experiment: n, noise, seed
net = bp.Network(hidden=10, activation="sigmoid", seed=0)
loss, grads = net.loss_and_grads(data.x, data.y)
hist = bp.train(net, data.x, data.y, lr=0.1, epochs=1000)
"""

from . import deep, exercises, experiment, plotting
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
from .deep import DeepNetwork, init_deep_params, layer_grad_norms, start_grad_norms
from .diagram import draw_graph, draw_tensor_graph
from .experiment import ACTIVATION, EPOCHS, HIDDEN, INIT, LR, SEED, N  # bp.N ..., as documented
from .gradcheck import GradCheck, grad_check, numerical_grads, relative_error
from .graph import BackpropSteps, BackwardStep, ForwardStep, backprop_steps
from .loop import loop_epoch, loop_loss_and_grads
from .network import INITS, PARAM_NAMES, Network, init_params
from .plotting import COLORS, plot_activation, plot_data, plot_fit, plot_loss, use_style
from .prose import glue, glued
from .stepper import BackpropStepper
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
    "BackpropStepper",
    "RECOMMENDED",
    "Trainer",
    "draw_graph",
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
    "deep",
    "experiment",
    "plotting",
    "COLORS",
    "plot_activation",
    "plot_data",
    "plot_fit",
    "plot_loss",
    "use_style",
]
__all__ += ["N", "HIDDEN", "ACTIVATION", "INIT", "LR", "EPOCHS", "SEED"]  # bp.N ..., documented
