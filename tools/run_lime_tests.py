"""Run ``lime``'s own test files against ``sklime.compat``.

The ``lime`` package ships its tests (``lime/tests/test_*.py``). This script
copies the chosen ones to a temporary folder, points their ``from lime.X
import ...`` and ``import lime.X`` lines at ``sklime.compat.X``, and runs
them with pytest. Usage (from the repository root, with the test extra)::

    python tools/run_lime_tests.py                    # every ported module
    python tools/run_lime_tests.py test_discretize.py -- -x -q

Tests that download a dataset are deselected (``-k`` below). CI runs it
through ``tests/test_compat_lime_suite.py``.
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

#: lime's test files whose modules sklime.compat provides.
PORTED = ["test_discretize.py", "test_lime_tabular.py"]
#: Tests that need the network (fetch_20newsgroups and the like).
NEEDS_NETWORK = [
    # test_lime_text.py: fetch_20newsgroups (tests/test_compat_text.py has
    # offline equivalents).
    "test_lime_text_explainer_good_regressor",
    "test_lime_text_tabular_equal_random_state",
    "test_lime_text_tabular_not_equal_random_state",
    # Not network: these two fail on lime itself with numpy >= 1.24, whose
    # np.array_equal returns False for any ragged list of positions;
    # tests/test_compat_text.py compares the positions with lime's instead.
    "test_indexed_string_regex",
    "test_indexed_string_callable",
]

_IMPORT = re.compile(r"^(\s*)(from|import)\s+lime\.", re.MULTILINE)


def rewrite(source):
    """Point ``lime.X`` imports at ``sklime.compat.X``."""
    return _IMPORT.sub(r"\1\2 sklime.compat.", source)


def lime_tests_dir():
    import lime

    return Path(lime.__file__).parent / "tests"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    cut = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=PORTED)
    args = parser.parse_args(argv[:cut])
    extra = argv[cut + 1 :]
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.files:
            source = (lime_tests_dir() / name).read_text()
            (Path(tmp) / name).write_text(rewrite(source))
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            tmp,
            *extra,
        ]
        if NEEDS_NETWORK:
            command += ["-k", " and ".join(f"not {t}" for t in NEEDS_NETWORK)]
        return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
