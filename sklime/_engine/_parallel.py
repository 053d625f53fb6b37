"""How chunks run: joblib dispatch and the progress bar."""

from joblib import Parallel

__all__ = ["progress_bar", "run_parallel"]


def progress_bar(verbose, total, desc="explaining"):
    """A tqdm bar over ``total`` chunks when ``verbose`` and there are several.

    ``None`` when the bar is not wanted or tqdm (the ``progress`` extra) is
    not installed; ``verbose`` then stays silent rather than failing.
    """
    if not verbose or total < 2:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - optional dependency
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
