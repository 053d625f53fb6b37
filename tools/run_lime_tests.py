"""Run ``lime``'s own test files against ``sklime.compat``.

The ``lime`` package ships its tests (``lime/tests/test_*.py``). This script
copies the chosen ones to a temporary folder, points their ``from lime.X
import ...`` and ``import lime.X`` lines at ``sklime.compat.X``, and runs
them with pytest. Usage (from the repository root, with the test extra)::

    python tools/run_lime_tests.py                    # every ported module
    python tools/run_lime_tests.py test_discretize.py -- -x -q
    python tools/run_lime_tests.py --fail-on-lime     # lime's own failures

Tests that download a dataset, and the few that fail on ``lime`` itself
with today's numpy and scikit-image, are deselected (``-k`` below). CI runs it
through ``tests/test_compat_lime_suite.py``.
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

#: lime's test files whose modules sklime.compat provides.
PORTED = [
    "test_discretize.py",
    "test_lime_tabular.py",
    "test_lime_text.py",
    "test_scikit_image.py",
]
#: Tests that need the network (fetch_20newsgroups): tests/test_compat_text.py
#: has offline equivalents.
NEEDS_NETWORK = [
    "test_lime_text_explainer_good_regressor",
    "test_lime_text_tabular_equal_random_state",
    "test_lime_text_tabular_not_equal_random_state",
]
#: Tests that fail on lime itself with today's numpy and scikit-image; the
#: tests/test_compat_*.py files check the same behaviour in a working way.
FAIL_ON_LIME = [
    # numpy >= 1.24: np.array_equal is False for any ragged list of positions.
    "test_indexed_string_regex",
    "test_indexed_string_callable",
    # scikit-image >= 0.22: quickshift takes rng, not random_seed.
    "test_instanciate_segmentation_algorithm",
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
    parser.add_argument(
        "--fail-on-lime",
        action="store_true",
        help="run only FAIL_ON_LIME, against lime itself (they should fail)",
    )
    args = parser.parse_args(argv[:cut])
    extra = argv[cut + 1 :]
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.files:
            source = (lime_tests_dir() / name).read_text()
            if not args.fail_on_lime:
                source = rewrite(source)
            (Path(tmp) / name).write_text(source)
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            tmp,
            *extra,
        ]
        if args.fail_on_lime:
            command += ["-k", " or ".join(FAIL_ON_LIME)]
        else:
            deselected = NEEDS_NETWORK + FAIL_ON_LIME
            command += ["-k", " and ".join(f"not {t}" for t in deselected)]
        return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
