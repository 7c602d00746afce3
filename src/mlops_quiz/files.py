"""File-system checks shared by the bank writer and the store."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def is_read_only(path: Path) -> bool:
    """Unwritable for us, or with no write bit at all.

    The second test matters for root, whom the kernel lets write anything: a file or folder
    someone made read-only on purpose is still treated as read-only.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not os.access(path, os.W_OK) or not mode & WRITE_BITS


PRIVATE_FOLDER_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def unsafe_folder(path: Path) -> str | None:
    """Why a folder of ours (data or cache) is not safe to use, or None.

    As ssh does for ``~/.ssh``: a folder owned by someone else, or that others may write to, lets
    them plant or swap files (a fake question, a database that records what we type).
    """
    try:
        st = path.stat()
    except OSError:
        return None
    uid = os.getuid() if hasattr(os, "getuid") else None
    if uid is not None and st.st_uid != uid:
        return f"belongs to another user (uid {st.st_uid})"
    if st.st_mode & stat.S_IWOTH:
        return "can be written by other users (chmod o-w or chmod 700 it)"
    return None


def make_private_dirs(folder: Path) -> None:
    """Create a folder and any missing parents, each private (0700): ``mkdir -p`` would give
    the parents the umask's mode, and the data folder is often the first parent made."""
    missing = []
    at = folder
    while not at.exists():
        missing.append(at)
        if at.parent == at:
            break
        at = at.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made by another process meanwhile
            path.mkdir(mode=PRIVATE_FOLDER_MODE)
