"""Write files whole or not at all, and say so in one line when the disk is full.

Why: a run on a full disk used to leave a truncated run.json (invalid JSON) and
a truncated notebook, and reported the consequence ("NotJSONError") instead of
the cause. Every output goes to a temporary file in the same folder first and
is renamed over the target (``os.replace`` is atomic on one file system), so a
reader sees the old file or the new one, never half of one; a failed write
removes its temporary file. ``ENOSPC`` becomes :class:`DiskFullError`, whose
message is "no space left on <path>".
"""

from __future__ import annotations

import errno
import json
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

from .errors import RotationError


class DiskFullError(RotationError):
    """The file system ran out of space while writing ``path`` (message: 'no space left on <path>')."""

    errno = errno.ENOSPC

    def __init__(self, path):
        super().__init__(f"no space left on {path}")
        self.path = str(path)


def is_disk_full(exc: BaseException | None) -> bool:
    """True when ``exc`` or an exception it was raised from is ENOSPC (or EDQUOT: over quota)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DiskFullError) or getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def disk_full_message(exc: BaseException, path) -> str:
    """The one line for a disk-full error: the error's own when it names a path, else ``path``'s."""
    if isinstance(exc, DiskFullError):
        return str(exc)
    return f"no space left on {getattr(exc, 'filename', None) or path}"


@contextmanager
def replacing(path):
    """Yield a temporary path next to ``path``; when the block succeeds it is renamed to ``path``.

    Args:
        path: the file to (re)place; its folder must exist.
    Yields:
        the temporary path to write (created with the process umask, like a normal file).
    Raises:
        DiskFullError: the disk filled up; ``path`` is unchanged and no temporary file is left.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if is_disk_full(exc) and not isinstance(exc, DiskFullError):
            raise DiskFullError(path) from exc
        raise


def write_text(path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``path``."""
    path = Path(path)
    with replacing(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())  # a full disk shows here, not after the rename
    return path


def write_json(path, data, **kw) -> Path:
    """Write ``data`` as indented JSON to ``path`` atomically (``kw`` go to :func:`json.dumps`)."""
    kw.setdefault("indent", 2)
    return write_text(path, json.dumps(data, **kw))
