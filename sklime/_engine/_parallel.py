"""How chunks run: joblib dispatch and the progress bar."""

from joblib import Parallel

__all__ = ["progress_bar", "run_parallel"]


def progress_bar(verbose, total, desc="explaining"):
    """A tqdm bar over ``total`` chunks when ``verbose`` and there are several.

    ``None`` when the bar is not wanted (one chunk). ``verbose`` needs tqdm
    (the ``progress`` extra): without it, an ``ImportError`` says so.
    """
    if not verbose:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError as exc:
        raise ImportError(
            "verbose > 0 shows a progress bar, which needs tqdm: pip install "
            '"sklime[progress]" (or pass verbose=0).'
        ) from exc
    if total < 2:
        return None
    return tqdm(total=total, desc=desc, unit="chunk")


def run_parallel(n_jobs, tasks, progress=None):
    """Run ``joblib.delayed`` tasks on ``n_jobs`` workers, in order.

    Threads are preferred (the kernels release the GIL); any joblib backend
    set by the caller (``loky``, ``dask``) is honoured. ``progress`` ticks as
    results arrive when the backend can stream them.
    """
    if progress is not None:
        try:
            parallel = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")
        except ValueError:  # a backend that cannot stream results: no bar
            progress.close()
        else:
            results = []
            for result in parallel(tasks):
                results.append(result)
                progress.update(1)
            progress.close()
            return results
    return Parallel(n_jobs=n_jobs, prefer="threads")(tasks)
