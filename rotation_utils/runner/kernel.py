"""A kernel manager that always starts the kernel with the runner's own Python.

A notebook's ``kernelspec`` says ``python3``; which interpreter that name finds
depends on the user's Jupyter paths (a stale user-level spec can point at
another Python without our package). The runner sidesteps the lookup: every
kernel is ``sys.executable -m ipykernel_launcher``, i.e. the active environment.
"""

from __future__ import annotations

import os
import sys

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager


def active_kernel_spec() -> KernelSpec:
    """The kernel spec of the running interpreter (no lookup on disk)."""
    return KernelSpec(
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} (rotation)",
        language="python",
        metadata={"debugger": False},
    )


#: thread pools of numeric libraries (OpenMP, OpenBLAS, MKL; Arrow reads OMP_NUM_THREADS too)
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def kernel_environment(base: dict | None = None) -> dict:
    """The environment a report kernel starts with: ``base`` (default: this process's) with
    one thread per numeric library unless the user set a number.

    Why: the runner already runs one notebook per core; a kernel whose BLAS or Arrow
    pool starts a thread per core as well only oversubscribes the machine, and idle
    pool threads spin: about 8% of a suite's CPU time on a 2-core machine went there.
    """
    env = dict(os.environ if base is None else base)
    for var in THREAD_VARS:
        env.setdefault(var, "1")
    return env


class ActiveEnvKernelManager(AsyncKernelManager):
    """AsyncKernelManager (what nbclient uses) whose spec is :func:`active_kernel_spec`."""

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            self._kernel_spec = active_kernel_spec()
        return self._kernel_spec

    #: where the kernel's own stderr goes (set per worker process; None: inherit the runner's)
    stderr_path = None

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        """Send the kernel's stderr (ipykernel warnings, crash messages) to a log file, not the console;
        start it with :func:`kernel_environment`."""
        kw["env"] = kernel_environment(kw.get("env"))
        if self.stderr_path is None or "stderr" in kw:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        with open(self.stderr_path, "ab") as log:
            return await super()._async_launch_kernel(kernel_cmd, stderr=log, **kw)
