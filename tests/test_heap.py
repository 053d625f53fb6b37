"""sklime._engine._heap: freed memory kept between requests (glibc)."""

import subprocess
import sys

import pytest

_SCRIPT = """
import resource, sys
import numpy as np
from sklime._engine import _heap
tuned = _heap.keep_freed_memory() if sys.argv[1] == "on" else False
def request():  # like one explanation: a few arrays alive at once, then freed
    arrays = [np.ones(1 << 19) for _ in range(6)]  # 6 x 4 MB
    return sum(a.sum() for a in arrays)
for _ in range(5):
    request()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    request()
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
print(tuned, faults)
"""


def _faults(mode, env=None):
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT, mode],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    tuned, faults = out.stdout.split()
    return tuned == "True", int(faults)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_freed_memory_is_reused_instead_of_faulted_in_again():
    tuned, kept = _faults("on")
    assert tuned
    _, default = _faults("off")
    # 50 requests of 24 MB: thousands of pages each when the memory goes back
    # to the system after every request, none once the allocator keeps it.
    assert default > 50 * 1000
    assert kept < 1000


def test_the_setting_can_be_turned_off(monkeypatch):
    from sklime._engine import _heap

    monkeypatch.setenv("SKLIME_KEEP_FREED_MEMORY", "0")
    assert _heap._tune() is False
