"""pytest settings for every run from the repository, the notebooks' (nbval) included.

`make test` runs the unit tests, the notebooks and the book build side by side, so several
Jupyter kernels start at once. jupyter_client chooses a kernel's TCP ports by probing for
free ones, and two processes can choose the same port: the kernel that loses dies before it
replies ("Kernel died before replying to kernel_info"). nbval then starts it once more, on
fresh ports. A kernel that dies twice is reported as before.
"""

try:
    import nbval.kernel
except ImportError:  # nbval is a test tool; without it there are no notebook tests to help
    nbval = None

if nbval is not None:
    _start_new_kernel = nbval.kernel.start_new_kernel

    def _start_new_kernel_again_if_it_died(*args, **kwargs):
        try:
            return _start_new_kernel(*args, **kwargs)
        except RuntimeError:  # died while starting: a port taken in between, try fresh ones
            return _start_new_kernel(*args, **kwargs)

    nbval.kernel.start_new_kernel = _start_new_kernel_again_if_it_died
