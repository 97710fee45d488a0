"""papermill's nbclient engine, saving the running notebook every few seconds instead of twice per cell.

Why: papermill writes the whole notebook (validated and serialised, embedded
charts included) when each cell starts and when it ends. For a report of 30
cells that is 60 writes of a notebook growing to a few megabytes, about a
second of CPU per report (more than any of its computations). The running copy
is only read while the notebook runs (to watch progress) and after a failure
(to say at which cell). So here a save is skipped when the last one is under
:data:`SAVE_EVERY_S` old; the first save (the notebook as it starts) and the final save papermill makes when the notebook
ends, whether it finished, failed, timed out or lost its kernel, always
happens, so the executed notebook and the failed cell's position are exactly
what papermill's own engine would leave.
"""

from __future__ import annotations

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

#: the engine's name for ``papermill.execute_notebook(engine_name=...)``
ENGINE_NAME = "rotation-nbclient"
#: seconds between two saves of a running notebook
SAVE_EVERY_S = 5.0


class ThrottledExecutionManager(NotebookExecutionManager):
    """papermill's execution manager whose per-cell saves are at most one per :data:`SAVE_EVERY_S`."""

    saved_once = False

    def save(self, **kwargs):
        """Save unless the notebook was saved under :data:`SAVE_EVERY_S` ago.

        The first save (papermill's, when the notebook starts) and the final one always run.
        """
        recent = (self.now() - self.last_save_time).total_seconds() < SAVE_EVERY_S
        if self.saved_once and self.end_time is None and recent:
            return None
        self.saved_once = True
        return super().save(**kwargs)


class ThrottledNBClientEngine(NBClientEngine):
    """nbclient execution, as papermill's default engine, with :class:`ThrottledExecutionManager`."""

    @classmethod
    def execute_notebook(
        cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False, autosave_cell_every=30, **kwargs
    ):
        """Run ``nb`` like :meth:`papermill.engines.Engine.execute_notebook` (same arguments, same result)."""
        nb_man = ThrottledExecutionManager(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register(ENGINE_NAME, ThrottledNBClientEngine)
