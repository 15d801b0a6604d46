"""Helper processes for a command that reads or renders a whole journal once and ends (`check`, a build).

A helper is a copy of this process made by `fork`: it holds everything made so far, does its
share of the work, hands each result back pickled through a pipe as soon as it is made, and
leaves without running anything of this process's. A helper that fails costs only time: the
caller does itself whatever did not come back.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import threading
from typing import Any, Callable, Iterable, Iterator

#: Sessions from which helpers pay: below it, forking and handing results back cost more than they save.
PARALLEL_FROM = 256
#: The most helpers a job gets: each one forked from a build holds a copy-on-write image of it, which its
#: own work makes partly its own, and each goes through every page spec; measured on two cores only.
MAX_HELPERS = 3
#: How much a helper may run ahead of its reader: the pipe's buffer, where the system lets it grow (Linux).
_AHEAD = 1 << 20


def helpers_for(sessions: int) -> int:
    """How many helpers a journal of `sessions` sessions gets: one fewer than the cores this process may
    use (at most `MAX_HELPERS`), or none for a small journal or where forking is not safe."""
    return min(_cores() - 1, MAX_HELPERS) if sessions >= PARALLEL_FROM and may_fork() else 0


def may_fork() -> bool:
    """Whether helpers may be forked here: where there is `fork`, and only from a process with one
    thread (a fork copies no other thread, and a lock one of them held would stay held in the copy)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Helper:
    """A forked process running `work` and handing back each value it yields, in order, as it comes.

    Iterate it to read them: the iteration ends when the helper is done or has died (then early: the
    caller knows how many values to expect). Close it when done, or if left early.
    """

    def __init__(self, work: Callable[[], Iterable[Any]]) -> None:
        self.pid: int | None = None
        self.pipe = None
        try:
            readable, writable = os.pipe()
        except OSError:
            return
        with contextlib.suppress(OSError, AttributeError):
            import fcntl

            fcntl.fcntl(writable, fcntl.F_SETPIPE_SZ, _AHEAD)
        try:
            pid = os.fork()
        except OSError:
            os.close(readable)
            os.close(writable)
            return
        if pid == 0:  # the helper: it writes its values and leaves, running nothing of the parent's at exit
            try:
                gc.freeze()  # the collector never walks what the parent made: its pages stay shared, not copied
                os.close(readable)
                with os.fdopen(writable, "wb") as out:
                    for value in work():
                        pickle.dump(value, out, pickle.HIGHEST_PROTOCOL)
                        out.flush()
            finally:
                os._exit(0)
        os.close(writable)
        self.pid, self.pipe = pid, os.fdopen(readable, "rb")

    def __iter__(self) -> Iterator[Any]:
        while self.pipe is not None:
            try:
                value = pickle.load(self.pipe)
            except Exception:  # noqa: BLE001 - the end, or a helper that died mid-way: a truncated pickle or none
                self._gone(ended=True)
            else:
                yield value

    def close(self) -> None:
        """Stop reading, and wait for the helper to be gone: ended at once, if it is not done."""
        self._gone(ended=False)

    def _gone(self, ended: bool) -> None:
        if self.pipe is not None:
            self.pipe.close()
            self.pipe = None
            if not ended and self.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
        if self.pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = None
