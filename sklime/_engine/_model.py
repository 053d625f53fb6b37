"""The black box: resolve ``predict_fn`` and call it safely in slices."""

import copy
import warnings

import jax.numpy as jnp
import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "check_class_names",
    "host_samples",
    "ModelCaller",
    "PredictFnError",
    "PredictFnOutputError",
    "PredictFnCloneMixin",
    "output_matrix",
    "output_mode",
    "resolve_predict_fn",
]


class PredictFnError(RuntimeError):
    """``predict_fn`` raised; the message names the rows it was called on."""


class PredictFnOutputError(ValueError):
    """``predict_fn`` returned something unusable (shape, type, NaN)."""


def _is_estimator(obj):
    return hasattr(obj, "fit") and hasattr(obj, "get_params")


def output_matrix(out, n_rows, binary=False, where=""):
    """The black box's answer as an ``(n_rows, n_outputs)`` matrix.

    A 1-D output is one column, or, with ``binary``, the probability of
    class 1 of a binary classifier, which becomes ``[1 - p, p]``; an
    ``(n, 1)`` output of a binary classifier is that probability too. Works
    on NumPy and JAX arrays (inside ``jit`` too).

    Parameters
    ----------
    out : array
    n_rows : int
        Rows the black box was asked about.
    binary : bool, default=False
    where : str, default=""
        Appended to the error message (e.g. ``", on sample rows 0..9"``).

    Raises
    ------
    ValueError
        When ``out`` is not ``(n_rows,)`` or ``(n_rows, k)``.

    Examples
    --------
    >>> import numpy as np
    >>> output_matrix(np.array([0.25, 1.0]), 2, binary=True).tolist()
    [[0.75, 0.25], [0.0, 1.0]]
    >>> output_matrix(np.array([[3.0], [4.0]]), 2).shape
    (2, 1)
    """
    xp = np if isinstance(out, np.ndarray) else jnp
    if out.ndim == 2 and out.shape[1] == 1 and binary:
        out = out[:, 0]
    if out.ndim == 1:
        out = xp.stack([1 - out, out], axis=1) if binary else out[:, None]
    if out.ndim != 2 or out.shape[0] != n_rows:
        raise ValueError(
            f"predict_fn must return an array of shape ({n_rows},) or "
            f"({n_rows}, n_outputs) for {n_rows} rows; got shape "
            f"{tuple(out.shape)}{where}."
        )
    return out


def resolve_predict_fn(predict_fn, mode, owner="LimeExplainer"):
    """Find the function to call and the names of its outputs.

    Parameters
    ----------
    predict_fn : callable or fitted estimator
        A callable ``(n, d) -> (n,)`` or ``(n, k)``, or a fitted scikit-learn
        estimator (its ``predict_proba`` unless ``mode="regression"``, else
        its ``predict``).
    mode : {"auto", "classification", "regression"}
    owner : str, default="LimeExplainer"
        The explainer, named in the error about an unfitted model.

    Returns
    -------
    fn : callable
    output_names : ndarray or None
        The classifier's ``classes_`` when known.
    """
    if predict_fn is None:
        raise ValueError(
            "predict_fn is required: pass the black box as a callable "
            "(n_rows, n_features) -> (n_rows,) or (n_rows, n_outputs), or a "
            "fitted scikit-learn estimator."
        )
    if _is_estimator(predict_fn):
        try:
            check_is_fitted(predict_fn)
        except NotFittedError as exc:
            raise NotFittedError(
                f"predict_fn is an unfitted {type(predict_fn).__name__}: "
                f"{owner} explains a fitted model, so fit it first."
            ) from exc
        classes = getattr(predict_fn, "classes_", None)
        if mode != "regression" and hasattr(predict_fn, "predict_proba"):
            return predict_fn.predict_proba, classes
        if mode == "classification" or (mode == "auto" and is_classifier(predict_fn)):
            raise ValueError(
                f"predict_fn is a classifier without predict_proba "
                f"({type(predict_fn).__name__}); LIME explains probabilities. "
                "Use a classifier with predict_proba (e.g. SVC(probability=True))."
            )
        return predict_fn.predict, None
    if callable(predict_fn):
        return predict_fn, None
    raise TypeError(
        "predict_fn must be a callable or a fitted estimator, got "
        f"{type(predict_fn).__name__}."
    )


def output_mode(mode, n_columns):
    """What a black box with ``n_columns`` outputs is, under ``mode``.

    Parameters
    ----------
    mode : {"auto", "classification", "regression"}
    n_columns : int
        Columns of its answer on a probe (1 for a 1-D answer).

    Returns
    -------
    mode_ : {"classification", "regression"}
        ``"auto"`` is classification for two columns or more.
    binary : bool
        A classifier answering one column: the probability of class 1.
    n_outputs : int
        Outputs explained (2 for ``binary``).

    Examples
    --------
    >>> output_mode("auto", 1), output_mode("classification", 1)
    (('regression', False, 1), ('classification', True, 2))
    """
    if mode == "auto":
        mode = "classification" if n_columns >= 2 else "regression"
    if mode == "regression" and n_columns != 1:
        raise ValueError(
            f"mode='regression' needs a single output per row; predict_fn "
            f"returned {n_columns}."
        )
    binary = mode == "classification" and n_columns == 1
    return mode, binary, 2 if binary else n_columns


class PredictFnCloneMixin:
    """``clone`` keeps ``predict_fn`` as it is (a fitted model stays fitted).

    GridSearchCV and ``cross_validate`` clone the explainer; cloning the
    black box too would hand them an unfitted model.
    """

    def __sklearn_clone__(self):
        shallow = copy.copy(self)
        shallow.predict_fn = None
        new = BaseEstimator.__sklearn_clone__(shallow)
        new.predict_fn = self.predict_fn
        return new


def host_samples(X):
    """Samples as the model receives them: C order and read-only.

    One memory layout for every batch: a transposed view reaches BLAS by
    another path than a copy and rounds otherwise, so the samples of a row
    explained alone would get other outputs than in a batch. Read-only, like
    the device arrays they come from: a model that writes into its input is
    refused (it would corrupt other slices). Arrays that are already so pass
    through without a copy.
    """
    X = np.ascontiguousarray(X)
    if X.flags.writeable:
        X.flags.writeable = False
    return X


class ModelCaller:
    """Call the black box on many rows in slices, checking every answer.

    Parameters
    ----------
    fn : callable
    batch_size : int or None
        Most rows per call; ``None`` calls the black box once per explained
        row, on exactly that row's samples, so that a row's outputs cannot
        depend on which other rows are explained with it (BLAS kernels can
        round differently depending on how many rows they get at once).
    n_outputs : int or None
        Expected number of outputs (columns), once known.
    binary : bool
        Turn a 1-D output ``p`` into two columns ``[1 - p, p]``.
    make_input : callable, default=None
        Turns a 2-D numpy block into what ``fn`` takes (e.g. a DataFrame).
    """

    def __init__(self, fn, batch_size, n_outputs=None, binary=False, make_input=None):
        self.fn = fn
        self.batch_size = None if batch_size is None else int(batch_size)
        self.n_outputs = n_outputs
        self.binary = binary
        self.make_input = make_input

    def _call(self, block, start, where):
        """Outputs of ``fn`` on ``block``, checked.

        ``start`` is the position of the block's first row in the rows the
        caller asked about; ``where(first, last)`` describes those rows in
        error messages (e.g. "the samples of explained rows 3..4").
        """
        rows = block.shape[0]
        inputs = block if self.make_input is None else self.make_input(block)
        try:
            out = self.fn(inputs)
        except (PredictFnError, PredictFnOutputError) as exc:
            # From a caller inside fn (Kernel SHAP's game): add where.
            raise type(exc)(f"{exc} (for {where(start, start + rows - 1)})") from exc
        except Exception as exc:
            raise PredictFnError(
                f"predict_fn raised {type(exc).__name__} on "
                f"{where(start, start + rows - 1)}: {exc}"
            ) from exc
        kind = type(out).__name__
        try:
            out = np.asarray(out)
            if out.dtype.kind == "c":
                raise TypeError("complex numbers")
            out = out.astype(np.float64, copy=False)
        except (TypeError, ValueError) as exc:
            raise PredictFnOutputError(
                f"predict_fn must return real numbers; got {kind} "
                f"that numpy cannot convert to floats ({exc}), on "
                f"{where(start, start + rows - 1)}."
            ) from exc
        try:
            out = output_matrix(
                out, rows, self.binary, f", on {where(start, start + rows - 1)}"
            )
        except ValueError as exc:
            raise PredictFnOutputError(str(exc)) from None
        if self.n_outputs is not None and out.shape[1] != self.n_outputs:
            raise PredictFnOutputError(
                f"predict_fn returned {out.shape[1]} outputs per row; it returned "
                f"{self.n_outputs} when the explainer was fitted (on "
                f"{where(start, start + rows - 1)})."
            )
        if not np.isfinite(out).all():
            bad = np.flatnonzero(~np.isfinite(out).all(axis=1))
            raise PredictFnOutputError(
                f"predict_fn returned NaN or infinity for {bad.size} of {rows} rows, "
                f"on {where(start + bad[0], start + bad[-1])}."
            )
        return out

    def __call__(self, X, what="sample rows"):
        """Outputs ``(m, k)`` for the rows of ``X (m, d)``, in ``batch_size`` slices.

        ``what`` names the rows in error messages ("training rows 0..1").
        """
        m = X.shape[0]
        size = m if self.batch_size is None else self.batch_size

        def where(first, last):
            return f"{what} {first}..{last}"

        blocks = [self._call(X[s : s + size], s, where) for s in range(0, m, size)]
        return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)

    def per_row(self, X, rows=None, make_input=None):
        """Outputs ``(b, n, k)`` for samples ``X (b, n, d)`` of ``b`` rows.

        ``rows`` (b,) are the positions of these rows among the rows being
        explained (default ``0..b-1``); errors name the explained rows involved.
        ``make_input`` replaces the caller's own for these rows.
        """
        if make_input is not None:
            caller = copy.copy(self)
            caller.make_input = make_input
            return caller.per_row(X, rows)
        X = host_samples(X)
        b, n, d = X.shape
        rows = np.arange(b) if rows is None else np.asarray(rows)

        def where(first, last):
            lo, hi = rows[first // n], rows[last // n]
            span = f"row {lo}" if lo == hi else f"rows {lo}..{hi}"
            return f"the samples of explained {span}"

        if self.batch_size is None:
            return np.stack([self._call(X[i], i * n, where) for i in range(b)])
        flat = X.reshape(b * n, d)
        size = self.batch_size
        blocks = [
            self._call(flat[s : s + size], s, where) for s in range(0, b * n, size)
        ]
        return np.concatenate(blocks).reshape(b, n, -1)


def check_probabilities(Y):
    """Warn, as ``lime`` does, when rows do not sum to one."""
    if Y.shape[1] > 1 and not np.allclose(Y.sum(axis=1), 1.0):
        warnings.warn(
            "predict_fn's outputs do not sum to 1 across classes, so they are not "
            "probabilities (log-probabilities or labels?). Explaining them as they are.",
            UserWarning,
            stacklevel=3,
        )


def check_class_names(class_names, classes, mode, n_outputs):
    """The output names: ``class_names`` (checked), else ``classes``."""
    if class_names is None:
        return classes
    names = np.asarray(class_names, dtype=object)
    if mode == "classification" and names.shape != (n_outputs,):
        raise ValueError(
            f"class_names must name the {n_outputs} outputs of predict_fn, "
            f"got {names.shape[0] if names.ndim == 1 else names.shape} names."
        )
    return names
