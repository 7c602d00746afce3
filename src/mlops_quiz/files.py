"""File-system checks shared by the bank writer and the store."""

from __future__ import annotations

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
