"""``lime.explanation`` on sklime's explanations.

:class:`Explanation` has ``lime``'s attributes (``local_exp``, ``intercept``,
``score``, ``local_pred``, ``predict_proba``, ``top_labels``, ...) and
methods (``as_list``, ``as_map``, ``as_pyplot_figure``, ``as_html``,
``save_to_file``, ``show_in_notebook``, ``available_labels``); a
:class:`DomainMapper` turns feature ids into names as in ``lime``. The
compat explainers fill them from one row of a native
:class:`sklime.Explanation` (:func:`from_native`), which also draws the HTML:
a self-contained page without scripts, where ``lime`` embeds its d3 bundle.
"""

import numpy as np

from .._display._colours import NEGATIVE, POSITIVE
from .._display._plotting import pyplot
from .._explanation._weights import ranked

__all__ = ["DomainMapper", "Explanation"]


class DomainMapper:
    """Maps feature ids to what they mean in a domain (``lime``'s base class).

    Subclasses (``TableDomainMapper``, ``TextDomainMapper``) override
    :meth:`map_exp_ids`; the identity is the default.
    """

    def map_exp_ids(self, exp, **kwargs):
        """``[(id, weight), ...]`` to ``[(name, weight), ...]`` (identity here)."""
        return exp

    def visualize_instance_html(self, exp, label, div_name, exp_object_name, **kwargs):
        """HTML for the instance; ``""`` here (the page draws it natively)."""
        return ""


class Explanation:
    """One explained instance, with ``lime``'s attributes and methods.

    Parameters
    ----------
    domain_mapper : DomainMapper
    mode : {"classification", "regression"}, default="classification"
    class_names : list of str, default=None
    random_state : int, default=None
        Kept for ``lime``'s signature (its HTML ids); unused.

    Attributes
    ----------
    local_exp : dict
        ``{label: [(feature id, weight), ...]}``, largest ``|weight|`` first.
    intercept : dict
        ``{label: intercept}`` of each surrogate.
    score : float
        R^2 of the last explained label's surrogate (as ``lime``).
    local_pred : ndarray of shape (1,)
        The last label's surrogate prediction at the instance.
    predict_proba : ndarray of shape (n_classes,)
        The model's probabilities for the instance (classification).
    top_labels : list of int or None
        The labels of ``top_labels=k``, most probable first.
    predicted_value, min_value, max_value : float
        The prediction, and the smallest and largest prediction on the
        samples (regression).

    Examples
    --------
    >>> from sklime.compat.explanation import DomainMapper, Explanation
    >>> exp = Explanation(DomainMapper(), class_names=["no", "yes"])
    >>> exp.local_exp[1] = [(2, -0.5), (0, 0.25)]
    >>> exp.as_list()
    [(2, -0.5), (0, 0.25)]
    """

    def __init__(
        self, domain_mapper, mode="classification", class_names=None, random_state=None
    ):
        if mode not in ("classification", "regression"):
            raise ValueError(
                f"mode must be 'classification' or 'regression', got {mode!r}."
            )
        self.random_state = random_state
        self.mode = mode
        self.domain_mapper = domain_mapper
        self.local_exp = {}
        self.intercept = {}
        self.score = None
        self.local_pred = None
        self._native = None
        if mode == "classification":
            self.class_names = class_names
            self.top_labels = None
            self.predict_proba = None
        else:
            self.class_names = ["negative", "positive"]
            self.predicted_value = None
            self.min_value = 0.0
            self.max_value = 1.0
            self.dummy_label = 1

    def available_labels(self):
        """The explained labels (the top labels first when asked for)."""
        if self.mode != "classification":
            raise NotImplementedError("Not supported for regression explanations.")
        return list(self.top_labels if self.top_labels else self.local_exp.keys())

    def _label(self, label):
        label = label if self.mode == "classification" else self.dummy_label
        if label not in self.local_exp:
            raise KeyError(
                f"label {label!r} was not explained; explained labels: "
                f"{list(self.local_exp)} (pass labels=... or top_labels=... to "
                "explain_instance)."
            )
        return label

    def as_list(self, label=1, **kwargs):
        """``[(name, weight), ...]`` of one label, largest ``|weight|`` first.

        Parameters
        ----------
        label : int, default=1
            Ignored in regression.
        **kwargs
            Passed to the domain mapper (e.g. ``positions=True`` for text).

        Returns
        -------
        list of (str, float)
        """
        items = self.local_exp[self._label(label)]
        return [
            (x[0], float(x[1])) for x in self.domain_mapper.map_exp_ids(items, **kwargs)
        ]

    def as_map(self):
        """``{label: [(feature id, weight), ...]}`` (``local_exp``)."""
        return self.local_exp

    def as_pyplot_figure(self, label=1, **kwargs):
        """Bar chart of :meth:`as_list` (green for the label, red against).

        Returns
        -------
        matplotlib Figure
        """
        plt = pyplot("as_pyplot_figure")
        items = self.as_list(label=label, **kwargs)[::-1]
        fig, ax = plt.subplots()
        weights = [w for _, w in items]
        ax.barh(
            np.arange(len(items)) + 0.5,
            weights,
            align="center",
            color=[POSITIVE if w > 0 else NEGATIVE for w in weights],
        )
        ax.set_yticks(np.arange(len(items)) + 0.5, [str(n) for n, _ in items])
        if self.mode == "classification":
            ax.set_title(f"Local explanation for class {self.class_names[label]}")
        else:
            ax.set_title("Local explanation")
        return fig

    def as_html(
        self, labels=None, predict_proba=True, show_predicted_value=True, **kwargs
    ):
        """A self-contained HTML page (inline styles, no scripts, no network).

        Parameters
        ----------
        labels : list of int, default=None
            Labels to show; ``None`` is every explained label.
        predict_proba, show_predicted_value : bool, default=True
            Kept for ``lime``'s signature: the page always shows the
            model's prediction.
        **kwargs
            Ignored (``lime`` passes them to its JavaScript views).

        Returns
        -------
        str
        """
        if self.mode == "classification":
            labels = self.available_labels() if labels is None else list(labels)
            for label in labels:
                self._label(label)
        else:
            labels = [None]
        if self._native is None:
            body = "".join(f"<p>{label}: {self.as_list(label)}</p>" for label in labels)
        else:
            body = "".join(self._native.to_html(0, label) for label in labels)
        return (
            '<html><head><meta charset="utf-8"></head><body>' + body + "</body></html>"
        )

    def save_to_file(
        self,
        file_path,
        labels=None,
        predict_proba=True,
        show_predicted_value=True,
        **kwargs,
    ):
        """Write :meth:`as_html` to ``file_path`` (UTF-8)."""
        html = self.as_html(labels, predict_proba, show_predicted_value, **kwargs)
        with open(file_path, "w", encoding="utf8") as f:
            f.write(html)

    def show_in_notebook(
        self, labels=None, predict_proba=True, show_predicted_value=True, **kwargs
    ):
        """Display :meth:`as_html` in a notebook (needs IPython)."""
        try:
            from IPython.display import HTML, display
        except ImportError as exc:
            raise ImportError(
                "show_in_notebook needs IPython: pip install ipython"
            ) from exc
        display(
            HTML(self.as_html(labels, predict_proba, show_predicted_value, **kwargs))
        )


def from_native(exp, native, i, labels, *, top_labels=None, output_range=None):
    """Fill the ``lime`` explanation ``exp`` from row ``i`` of ``native``.

    Parameters
    ----------
    exp : Explanation
        Empty, with its domain mapper, mode and class names.
    native : sklime.Explanation
        The batch the compat explainer computed.
    i : int
        Row of ``native``.
    labels : list of int
        Labels to keep, in ``lime``'s order; ignored in regression.
    top_labels : list of int, default=None
        ``exp.top_labels``, most probable first.
    output_range : (float, float), default=None
        Smallest and largest model output on the samples (regression).

    Returns
    -------
    Explanation
        ``exp``, filled.
    """
    exp._native = native[i]
    row_labels = native.labels[i].tolist()
    if exp.mode == "regression":
        labels = [row_labels[0]]
    for label in labels:
        slot = row_labels.index(int(label))
        key = int(label) if exp.mode == "classification" else 0
        exp.local_exp[key] = ranked(native.coef[i, slot])
        exp.intercept[key] = float(native.intercept[i, slot])
        exp.score = float(native.score[i, slot])
        exp.local_pred = np.array([native.local_pred[i, slot]])
    if exp.mode == "classification":
        exp.predict_proba = np.asarray(native.model_pred[i])
        exp.top_labels = None if top_labels is None else [int(k) for k in top_labels]
    else:
        exp.predicted_value = float(native.model_pred[i, 0])
        lo, hi = output_range if output_range is not None else (0.0, 1.0)
        exp.min_value, exp.max_value = float(lo), float(hi)
        exp.intercept[1] = exp.intercept[0]
        exp.local_exp[1] = list(exp.local_exp[0])
        exp.local_exp[0] = [(j, -w) for j, w in exp.local_exp[1]]
    return exp
