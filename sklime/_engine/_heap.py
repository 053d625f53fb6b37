"""Keep freed memory in the process for the next request (glibc only).

A single request allocates and frees a few megabytes of host arrays (one
row at lime's defaults: the random words, the samples laid out for the
model, the model's own copies, XLA's buffers). glibc's allocator returns
large freed blocks to the operating system, so the next request touches
fresh pages and pays a page fault for every 4 KiB of them. Measured on the
2-core machine (``OMP_NUM_THREADS=1``), one row of breast_cancer at 5000
samples: 4.5 ms a request with glibc's defaults, 3.3 ms with the settings
below; drawing the random words alone took 0.64 instead of 0.27 ms, the
model 1.15 instead of 0.68 ms.

:func:`keep_freed_memory` sets two of glibc's ``mallopt`` parameters once
per process, on the first ``explain``: blocks up to 32 MiB come from the
heap (``M_MMAP_THRESHOLD``; glibc's own heuristic rises to the same bound)
and up to 64 MiB of freed memory stays at the top of the heap
(``M_TOP_PAD``) instead of being given back. The process may thus hold
64 MiB more than it uses. ``SKLIME_KEEP_FREED_MEMORY=0`` leaves the
allocator as it is; on other C libraries (macOS, Windows, musl) this does
nothing.
"""

import ctypes
import os
import sys
from functools import cache

__all__ = ["keep_freed_memory"]

_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3
_TOP_PAD = 64 << 20
_MMAP_THRESHOLD = 32 << 20
_OFF = {"0", "false", "no", "off"}


@cache
def keep_freed_memory():
    """Tune glibc's allocator once per process (see the module docstring).

    Returns
    -------
    bool
        Whether the allocator was tuned (now or by an earlier call).
    """
    return _tune()


def _tune():
    if os.environ.get("SKLIME_KEEP_FREED_MEMORY", "").strip().lower() in _OFF:
        return False
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
        _ = libc.gnu_get_libc_version  # glibc only (musl has no such symbol)
    except (OSError, AttributeError):
        return False
    return bool(
        mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD) and mallopt(_M_TOP_PAD, _TOP_PAD)
    )
