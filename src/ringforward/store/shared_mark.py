"""A few bytes of a file that other processes rewrite, read with one system call.

What the change stamps (``store/changes.py``) read on every request: the header of
SQLite's WAL index (the ``-shm`` file) or the host's change counter. The file is opened
once and kept open, so a read is one ``pread`` and one ``fstat`` instead of an ``open``,
a ``pread`` and a ``close``; the ``fstat`` tells whether the file was deleted since it
was opened (a new one under the same name is then opened: a descriptor on the old file
would never see another commit).

Kept open also because closing a descriptor of a file drops every POSIX lock the process
holds on it, by any descriptor: SQLite keeps the WAL's locks on the ``-shm`` file, so a
read that opened and closed the file could release the write lock of a commit this
process has in flight. A kept descriptor is closed only when its file was deleted, or
when the watch stops.
"""

from __future__ import annotations

import os


class SharedMark:
    """The first ``size`` bytes of the file at ``path``, as they are now."""

    def __init__(self, path: str | None, size: int) -> None:
        self.path = path
        self.size = size
        self._fd: int | None = None

    def read(self) -> bytes | None:
        """The bytes (fewer when the file is shorter, none when it does not exist), or
        None when the file cannot be read."""
        if self.path is None:
            return None
        fd = self._fd
        try:
            if fd is not None and os.fstat(fd).st_nlink > 0:
                return os.pread(fd, self.size, 0)
            self.close()
            fd = self._fd = os.open(self.path, os.O_RDONLY)
            return os.pread(fd, self.size, 0)
        except FileNotFoundError:
            return b""
        except OSError:
            self.close()
            return None

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)
