"""Files lgtui writes hold users' conversations: private, never clobbered, never shared.

- A folder lgtui makes is ``0700``; a file ``0600``, created with ``O_EXCL``;
- an existing file is only replaced when the user says so (``--force``), and a file
  being written is locked (``flock``): a second process on the same path is told, and
  neither recording is lost;
- a default name that is taken gets ``-2``, ``-3``... instead of replacing the other.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # not POSIX: no locks, the O_EXCL create still holds
    fcntl = None  # type: ignore[assignment]

FILE_MODE = 0o600
FOLDER_MODE = 0o700


class InUse(OSError):
    """Another process is writing this file."""


def private_folder(folder: Path) -> Path:
    """``folder`` and its missing parents, made ``0700``; an existing one is left as it is,
    but for lgtui's own folders (the caller's choice), which are made ``0700``."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    return folder


def tighten(folder: Path) -> None:
    """lgtui's own data folder: only the user may read it."""
    try:
        if folder.stat().st_mode & 0o077:
            folder.chmod(FOLDER_MODE)
    except OSError:
        pass


def _lock(fd: int, path: Path) -> None:
    if fcntl is None:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            os.close(fd)
            raise InUse(errno.EBUSY, "another process is writing it", str(path)) from None
        raise


def open_private(path: Path, *, overwrite: bool = False) -> BinaryIO:
    """A new file at ``path`` (``0600``, locked while open); FileExistsError when it
    exists and ``overwrite`` is false; InUse when another process holds it.  A device or
    a pipe (``/dev/full``, a FIFO) is written as it is: there is no file to clobber."""
    import stat

    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        special = False
    if special:
        return os.fdopen(os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)), "wb")
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    if not overwrite:
        flags |= os.O_EXCL
    fd = os.open(path, flags, FILE_MODE)
    _lock(fd, path)
    if overwrite:
        os.ftruncate(fd, 0)
        os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, "wb")


def open_unique(path: Path) -> tuple[BinaryIO, Path]:
    """A new file at ``path``, or at ``stem-2.ext``, ``stem-3.ext``... if that is taken;
    the file and where it is."""
    for n in range(1, 10_000):
        candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            return open_private(candidate), candidate
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name", str(path))


def write_private_text(path: Path, text: str, *, overwrite: bool = False) -> None:
    """``text`` into a new private file (an existing one only with ``overwrite``)."""
    with open_private(path, overwrite=overwrite) as f:
        f.write(text.encode("utf-8"))
