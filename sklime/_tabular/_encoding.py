"""Raw tabular rows (numpy or pandas, numbers and categories) to numbers and back.

The engine samples in a numeric space where a categorical column holds the
*code* of its category (its position in the sorted training categories). The
black box, however, sees rows exactly as the user gave them: a DataFrame with
the original columns, dtypes and category values, or a numpy array.
:class:`TabularEncoder` learns that mapping at ``fit`` and applies it both
ways.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

from .._engine._validation import named_input, resolve_features

__all__ = ["dense_table", "TabularEncoder", "check_table"]


def _is_dataframe(X):
    return hasattr(X, "columns") and hasattr(X, "dtypes") and hasattr(X, "iloc")


def _auto_categorical(dtype):
    """pandas dtypes that are categorical by nature."""
    import pandas as pd

    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
    )


def _missing(col):
    """Missing entries of a column: NaN, None (and pandas' NA, when installed).

    Numeric columns need no pandas (the core install explains numpy arrays
    with categorical features).
    """
    col = np.asarray(col)
    if col.dtype.kind in "fc":
        return np.isnan(col)
    if col.dtype.kind != "O":
        return np.zeros(col.shape, dtype=bool)
    try:
        import pandas as pd
    except ImportError:
        return np.array([v is None or (isinstance(v, float) and v != v) for v in col])
    return np.asarray(pd.isna(col), dtype=bool)


def _sorted_categories(values, name):
    """Sorted unique values of a column (by string when types do not compare)."""
    uniques = list(dict.fromkeys(values.tolist()))
    try:
        return np.array(sorted(uniques), dtype=object)
    except TypeError:
        return np.array(
            sorted(uniques, key=lambda v: (type(v).__name__, str(v))), dtype=object
        )


def dense_table(X):
    """``X`` itself, or a dense copy of a scipy.sparse matrix or array.

    The samples of a row are dense whatever its sparsity (every column is
    drawn), so sparse input is made dense once, at the boundary.
    """
    return X.toarray() if sp.issparse(X) else X


def check_table(X):
    """Raise scikit-learn's usual errors, naming X, for input that is not a 2-D table."""
    if _is_dataframe(X):
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(
                f"X must have at least one row and one column, got {X.shape}."
            )
        return
    with named_input("X"):
        check_array(X, dtype=None, ensure_all_finite=False)


class TabularEncoder:
    """Learned mapping between raw rows and the engine's numeric rows.

    Attributes (after :meth:`fit`)
    ------------------------------
    n_features : int
    columns : list or None
        DataFrame column labels (``None`` for arrays).
    categorical : ndarray of int
        Categorical columns (given, or detected from pandas dtypes).
    categories : list of (ndarray or None)
        Sorted training values of each categorical column.
    dtype : numpy dtype
        Compute dtype of the numeric rows (float32 only for all-float32 data).
    """

    def fit(self, X, categorical_features, feature_names=None):
        """Learn columns, dtypes and categories from the training rows."""
        self.frame = _is_dataframe(X)
        if self.frame:
            self.columns = list(X.columns)
            self.dtypes = list(X.dtypes)
            d = len(self.columns)
            auto = [j for j, dt in enumerate(self.dtypes) if _auto_categorical(dt)]
        else:
            self.columns = None
            self.dtypes = None
            X = np.asarray(X)
            d = X.shape[1]
            auto = []
        given = resolve_features(categorical_features, d, feature_names)
        self.categorical = np.union1d(given, auto).astype(int)
        self.n_features = d
        columns = self._columns(X)
        self.categories = [None] * d
        for j in self.categorical:
            col = columns[j]
            self._check_missing(col, j, feature_names)
            self.categories[j] = _sorted_categories(col, j)
        numeric = [j for j in range(d) if self.categories[j] is None]
        dtypes = {np.asarray(columns[j]).dtype for j in numeric}
        self.dtype = np.float32 if dtypes == {np.dtype(np.float32)} else np.float64
        self.numeric_categories = all(
            all(
                isinstance(v, int | float | np.integer | np.floating)
                and not isinstance(v, bool)
                for v in self.categories[j]
            )
            for j in self.categorical
        )
        return self

    def _columns(self, X):
        if self.frame:
            return [X.iloc[:, j].to_numpy() for j in range(X.shape[1])]
        arr = np.asarray(X)
        return [arr[:, j] for j in range(arr.shape[1])]

    @staticmethod
    def _check_missing(col, j, names):
        if np.any(_missing(col)):
            name = names[j] if names is not None else int(j)
            raise ValueError(
                f"Categorical column {name!r} has missing values (NaN/None); "
                "impute them first."
            )

    def encode(self, X, feature_names=None):
        """Numeric rows: numbers as they are, categories as codes.

        Raises ``ValueError`` for NaN/inf, non-numeric values in numeric
        columns, missing or unseen categories (naming the column).
        """
        if self.categorical.size == 0 and not _is_dataframe(X):
            # Plain numbers: float32 stays float32, anything else is float64.
            return check_array(X, dtype=[np.float64, np.float32], input_name="X")
        if self.frame and not _is_dataframe(X):
            columns = self._columns_from_array(X)
        elif not self.frame and _is_dataframe(X):
            columns = [X.iloc[:, j].to_numpy() for j in range(X.shape[1])]
        else:
            columns = self._columns(X)
        if len(columns) != self.n_features:
            raise ValueError(
                f"X has {len(columns)} features, but the explainer is expecting "
                f"{self.n_features} features as input."
            )
        n = len(columns[0]) if columns else 0
        if n == 0:
            raise ValueError("X has 0 rows; at least one is required.")
        out = np.empty((n, self.n_features), dtype=self.dtype)
        numeric = [j for j in range(self.n_features) if self.categories[j] is None]
        if numeric:
            block = np.column_stack([columns[j] for j in numeric])
            out[:, numeric] = check_array(
                block, dtype=self.dtype, ensure_min_samples=1, input_name="X"
            )
        for j in self.categorical:
            col = columns[j]
            name = feature_names[j] if feature_names is not None else int(j)
            self._check_missing(col, j, feature_names)
            lookup = {v: k for k, v in enumerate(self.categories[j].tolist())}
            try:
                codes = np.fromiter((lookup[v] for v in col.tolist()), float, len(col))
            except (KeyError, TypeError):
                unseen = sorted({str(v) for v in col.tolist() if v not in lookup})
                raise ValueError(
                    f"Column {name!r} has categories unseen during fit: {unseen[:5]}. "
                    "LIME draws categories by their training frequency, so a row "
                    "with an unseen category cannot be explained; refit on data "
                    "that contains it."
                ) from None
            out[:, j] = codes
        return out

    def _columns_from_array(self, X):
        arr = np.asarray(X, dtype=object)
        if arr.ndim != 2:
            check_array(arr, dtype=None)
        return [arr[:, j] for j in range(arr.shape[1])]

    def decode(self, block):
        """What the black box receives for numeric rows ``block`` (m, d)."""
        if not self.frame:
            if self.categorical.size == 0:
                return block
            out = block.astype(np.float64 if self.numeric_categories else object)
            for j in self.categorical:
                out[:, j] = self.categories[j][block[:, j].astype(int)]
            return out
        import pandas as pd

        if self.categorical.size == 0 and len(set(self.dtypes)) == 1:
            dt = self.dtypes[0]
            if np.issubdtype(dt, np.floating):
                # One float block: pandas wraps it as it is (no column-by-
                # column construction, 1.4x the array's time before).
                values = block.astype(dt, copy=False)
                return pd.DataFrame(values, columns=self.columns, copy=False)
        data = {}
        for j, (col, dt) in enumerate(zip(self.columns, self.dtypes)):
            cats = self.categories[j]
            if cats is None:
                values = block[:, j]
                if np.issubdtype(dt, np.floating):
                    values = values.astype(dt, copy=False)
                data[col] = values
                continue
            values = cats[block[:, j].astype(int)]
            if isinstance(dt, pd.CategoricalDtype):
                data[col] = pd.Categorical(values, dtype=dt)
            elif pd.api.types.is_object_dtype(dt):
                data[col] = values
            else:
                data[col] = pd.array(values, dtype=dt)
        return pd.DataFrame(data, columns=self.columns)

    def encode_row(self, values):
        """Encode one raw row (e.g. a baseline) like the training data."""
        if self.frame:
            import pandas as pd

            row = pd.DataFrame([list(values)], columns=self.columns)
            row = row.astype(dict(zip(self.columns, self.dtypes)))
        else:
            row = np.asarray(values, dtype=object if self.categorical.size else float)
            row = row.reshape(1, -1)
        return self.encode(row)[0].astype(np.float64)

    def display_values(self, encoded):
        """The rows as they should be displayed (original category values)."""
        if self.categorical.size == 0:
            return encoded
        out = encoded.astype(object)
        for j in self.categorical:
            out[:, j] = self.categories[j][encoded[:, j].astype(int)]
        return out
