"""The experiment every chapter runs, in one place: change a number here and the course follows.

The chapters, the widgets and the checkers read these values; the prose quotes them through
``bp.glue``. After a change, ``make test`` rebuilds every chapter with the new numbers.
"""

#: Number of training points (the homework's 100).
N = 100
#: Standard deviation of the noise added to the bump (the homework's 0.5 * N(0, 0.1²)).
NOISE = 0.05
#: The best mean squared error any model can reach on noisy data: the noise variance.
NOISE_FLOOR = NOISE**2
#: The seed of every chapter's data and starting network, so each build prints the same numbers.
SEED = 0

#: The homework's network: k = 10 sigmoid hidden units, every parameter from U(-1, 1).
HIDDEN = 10
ACTIVATION = "sigmoid"
INIT = "uniform"

#: The homework's training run: full-batch gradient descent, lr = 0.01 for 100 epochs.
LR = 0.01
EPOCHS = 100

#: The preset that learns the bump: tanh units, Adam, lr = 0.07 (benchmarks/peer_sklearn.py:
#: it reaches the noise-free bump before scikit-learn's lbfgs does, on the same data).
RECOMMENDED = dict(activation="tanh", optimizer="adam", lr=0.07, epochs=1000)

#: Chapter 11's 2-D classification sets (bp.data.moons and the others): points per set, and
#: the noise of each (the coordinates' std; for the spiral, its angle's, as in CS231n).
PLANE_N = 200
MOONS_NOISE = 0.2
CIRCLES_NOISE = 0.1
XOR_NOISE = 0.1
GAUSSIANS_NOISE = 0.5
SPIRAL_NOISE = 0.2
#: The spiral's arms, one class each (CS231n's three).
SPIRAL_CLASSES = 3
