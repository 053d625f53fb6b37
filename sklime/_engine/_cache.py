"""A persistent cache of compiled kernels, on by default.

A fresh process compiles each of the engine's XLA kernels once (seconds on
the first ``explain``). JAX can keep compiled executables on disk and load
them in later processes (its *persistent compilation cache*); sklime turns
it on at import, in a folder of the user's cache directory, so that only
the first process after an install or upgrade pays for compilation.

- ``SKLIME_COMPILATION_CACHE=0`` turns it off (any of ``0``, ``false``,
  ``no``, ``off``).
- ``SKLIME_CACHE_DIR`` moves it (default ``$XDG_CACHE_HOME/sklime/jax`` or
  ``~/.cache/sklime/jax``).
- A JAX cache the user set up (``JAX_COMPILATION_CACHE_DIR`` or
  ``jax.config.update("jax_compilation_cache_dir", ...)`` before importing
  sklime) is left exactly as it is: sklime changes no JAX setting then.

Only when sklime picks the folder does it also cache small, quick
compilations (JAX caches only compilations over one second by default;
most of the engine's kernels take less, but there are dozens of them).
The folder is not pruned (JAX's size cap needs the ``filelock`` package);
entries take tens of kilobytes, and deleting the folder is always safe.
"""

import os
from pathlib import Path

import jax

__all__ = ["cache_dir", "configure_compilation_cache"]

_OFF = {"0", "false", "no", "off"}


def cache_dir():
    """The folder sklime would use: ``SKLIME_CACHE_DIR`` or the user cache."""
    if os.environ.get("SKLIME_CACHE_DIR"):
        return Path(os.environ["SKLIME_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sklime" / "jax"


def configure_compilation_cache():
    """Turn JAX's persistent cache on in :func:`cache_dir`, unless told not to.

    Returns
    -------
    str or None
        The folder in use (the user's own when they set one up), or None
        when the cache is off.
    """
    user_dir = jax.config.jax_compilation_cache_dir
    if user_dir:
        return user_dir
    if os.environ.get("SKLIME_COMPILATION_CACHE", "").strip().lower() in _OFF:
        return None
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home: run without the cache
        return None
    jax.config.update("jax_compilation_cache_dir", str(folder))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return str(folder)
