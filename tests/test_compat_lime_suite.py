"""lime's own tests, their imports pointed at sklime.compat (tools/run_lime_tests.py)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import run_lime_tests  # noqa: E402


def test_rewrite_points_lime_imports_at_compat():
    source = "from lime.discretize import QuartileDiscretizer\nimport lime.lime_text\n"
    assert run_lime_tests.rewrite(source) == (
        "from sklime.compat.discretize import QuartileDiscretizer\n"
        "import sklime.compat.lime_text\n"
    )


def _run_lime_tests(*args):
    """tools/run_lime_tests.py with ``args``, quietly, in a subprocess."""
    script = str(ROOT / "tools" / "run_lime_tests.py")
    return subprocess.run(
        [sys.executable, script, *args, "--", "-q", "-p", "no:randomly"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


@pytest.mark.parametrize("name", run_lime_tests.PORTED)
def test_lime_test_file_passes_against_compat(name):
    pytest.importorskip("lime")
    result = _run_lime_tests(name)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_the_deselected_tests_fail_on_lime_itself():
    """FAIL_ON_LIME is not a list of our failures: lime fails them too."""
    pytest.importorskip("lime")
    pytest.importorskip("skimage")
    result = _run_lime_tests("--fail-on-lime")
    n = len(run_lime_tests.FAIL_ON_LIME)
    assert f"{n} failed" in result.stdout, result.stdout[-3000:]
    assert " passed" not in result.stdout
