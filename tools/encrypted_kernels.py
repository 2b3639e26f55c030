"""Sphinx extension: the book build's kernels talk to it over an encrypted ZeroMQ transport.

Without it, every notebook the build executes starts a kernel that logs "Kernel is running
over TCP without encryption" (ipykernel 7), once per chapter, into a log that should show
nothing but real problems. jupyter_client 8.10 can give each kernel CurveZMQ keys itself
(`KernelManager.transport_encryption`, "auto": when the kernelspec declares it supports them,
as ipykernel's does). myst-nb creates its kernel managers with no configuration, so this
extension sets that option's default for the build's process; the kernel then encrypts, and
the warning has no reason to appear. It changes nothing else, and nothing outside the build.
"""

from jupyter_client.manager import KernelManager


def setup(app):
    # jupyter_client before 8.10 has no such option (and its kernels print no such warning).
    option = getattr(KernelManager, "transport_encryption", None)
    if option is not None:
        option.default_value = "auto"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
