"""``lime.wrappers.scikit_image``: scikit-image's segmentations as callables.

:class:`SegmentationAlgorithm` is what ``lime`` users pass as
``segmentation_fn`` (``SegmentationAlgorithm("slic", n_segments=50)``): a
callable ``image -> labels`` that runs ``quickshift``, ``slic`` or
``felzenszwalb`` with the given parameters. :class:`BaseWrapper` keeps a
function and its parameters, with ``lime``'s ``set_params`` and
``filter_params``. scikit-image is needed (``pip install "sklime[image]"``)
when a :class:`SegmentationAlgorithm` is made, not at import.

Differences from ``lime``, on purpose: ``random_seed`` reaches the
segmentation as scikit-image's ``rng`` (scikit-image 0.22 renamed the
argument, and ``lime`` drops it without a word); parameters the algorithm
does not take are dropped with a warning (``lime`` drops them silently); an
unknown ``algo_type`` raises a ``ValueError`` naming it.
"""

import inspect
import types
import warnings

from ..._image._segmentation import skimage_segmentation

__all__ = ["BaseWrapper", "SegmentationAlgorithm"]

_ALGORITHMS = ("felzenszwalb", "quickshift", "slic")


def _takes(fn, name):
    """Whether ``fn`` takes a keyword argument ``name`` (``lime``'s ``has_arg``)."""
    try:
        signature = inspect.signature(fn)
    except ValueError:  # some compiled callables
        signature = inspect.signature(fn.__call__)
    parameter = signature.parameters.get(name)
    return parameter is not None and parameter.kind in (
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )


class BaseWrapper:
    """A function and the keyword arguments to call it with.

    Parameters
    ----------
    target_fn : callable, default=None
        The wrapped function (``None``: the wrapper's own ``__call__``).
    **target_params
        Keyword arguments for ``target_fn``.

    Attributes
    ----------
    target_fn : callable or None
    target_params : dict

    Examples
    --------
    >>> from sklime.compat.wrappers.scikit_image import BaseWrapper
    >>> def scale(x, factor=2):
    ...     return x * factor
    >>> wrapper = BaseWrapper(scale, factor=3, colour="red")
    >>> wrapper.filter_params(scale)
    {'factor': 3}
    >>> wrapper.set_params(factor=5)
    >>> wrapper.target_params
    {'factor': 5}
    """

    def __init__(self, target_fn=None, **target_params):
        self.target_fn = target_fn
        self.target_params = target_params

    def _functions(self):
        if self.target_fn is None:
            if not callable(self):
                raise TypeError(
                    "target_fn is None and the wrapper is not callable: pass the "
                    "function to wrap as target_fn."
                )
            return [self.__call__]
        if isinstance(self.target_fn, types.FunctionType | types.MethodType):
            return [self.target_fn]
        # A callable object: its __call__ (AttributeError when it has none, as lime).
        return [self.target_fn.__call__]

    def _check_params(self, parameters):
        """Raise unless every name of ``parameters`` is an argument of the function.

        Parameters
        ----------
        parameters : dict or list of str

        Raises
        ------
        ValueError
            A name is not an argument of ``target_fn``.
        TypeError
            ``parameters`` is a string or not iterable, or there is no
            function to check against.
        AttributeError
            ``target_fn`` is neither a function nor a callable object.
        """
        functions = self._functions()
        if isinstance(parameters, str) or not hasattr(parameters, "__iter__"):
            raise TypeError(
                "parameters must be a dict or a list of argument names, got "
                f"{type(parameters).__name__}."
            )
        for name in parameters:
            for fn in functions:
                if not _takes(fn, name):
                    raise ValueError(f"{name} is not a valid parameter of {fn!r}.")

    def set_params(self, **params):
        """Replace ``target_params`` by ``params``, once checked.

        Raises
        ------
        ValueError
            A name is not an argument of ``target_fn``.
        """
        self._check_params(params)
        self.target_params = params

    def filter_params(self, fn, override=None):
        """The entries of ``target_params`` that ``fn`` takes, updated by ``override``.

        Parameters
        ----------
        fn : callable
        override : dict, default=None

        Returns
        -------
        dict
        """
        kept = {k: v for k, v in self.target_params.items() if _takes(fn, k)}
        kept.update(override or {})
        return kept


class SegmentationAlgorithm(BaseWrapper):
    """One of scikit-image's segmentations, with its parameters.

    Parameters
    ----------
    algo_type : {"quickshift", "slic", "felzenszwalb"}
        The function of :mod:`skimage.segmentation`.
    **target_params
        Its parameters (``kernel_size=4``, ``n_segments=50``, ...).
        ``random_seed`` is passed as ``rng`` to scikit-image versions that
        call it so (``random_seed=None`` keeps scikit-image's default seed);
        parameters the function does not take are dropped, with
        a warning.

    Examples
    --------
    >>> import numpy as np
    >>> from sklime.compat.wrappers.scikit_image import SegmentationAlgorithm
    >>> image = np.zeros((20, 20, 3))
    >>> image[:, 10:] = 1.0
    >>> segment = SegmentationAlgorithm("felzenszwalb", scale=100, min_size=50)
    >>> np.unique(segment(image)).tolist()
    [0, 1]
    """

    def __init__(self, algo_type, **target_params):
        if algo_type not in _ALGORITHMS:
            raise ValueError(
                f"algo_type must be one of {list(_ALGORITHMS)}, got {algo_type!r}."
            )
        self.algo_type = algo_type
        segmentation = skimage_segmentation(f"SegmentationAlgorithm({algo_type!r})")
        fn = getattr(segmentation, algo_type)
        params = dict(target_params)
        if "random_seed" in params and not _takes(fn, "random_seed"):
            seed = params.pop("random_seed")
            # None keeps scikit-image's fixed default (rng=None would be fresh).
            if seed is not None and _takes(fn, "rng") and "rng" not in params:
                params["rng"] = seed
        super().__init__(fn, **params)
        kept = self.filter_params(fn)
        dropped = sorted(set(params) - set(kept))
        if dropped:
            warnings.warn(
                f"skimage.segmentation.{algo_type} does not take {dropped}; "
                "they are ignored.",
                UserWarning,
                stacklevel=2,
            )
        self.set_params(**kept)

    def __call__(self, *args):
        """The segments of ``args[0]`` (an image): an integer array ``(H, W)``."""
        return self.target_fn(args[0], **self.target_params)
