"""The first ``explain`` of a fresh process, once a previous one filled the cache.

``track_first_call_extra`` runs two fresh processes on one empty cache
folder (``SKLIME_CACHE_DIR``): the first compiles and fills it; the second
times its first and its second ``explain`` of one row (breast_cancer, the
logistic-regression pipeline, 5000 samples). The figure is the difference:
what a new process pays on top of a warm call (target: at most 0.5 s).
``asv_bench/first_call.py`` prints the whole table.
"""

import json
import os
import subprocess
import sys
import tempfile

_CHILD = """
import json, time
t0 = time.perf_counter()
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
import sklime
imported = time.perf_counter() - t0
X, y = load_breast_cancer(return_X_y=True)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y)
explainer = sklime.LimeExplainer(model, random_state=0).fit(X)
times = []
for row in (0, 1):
    start = time.perf_counter()
    explainer.explain(X[row:row + 1])
    times.append(time.perf_counter() - start)
print(json.dumps({"import": imported, "first": times[0], "second": times[1]}))
"""


def child(env):
    out = subprocess.run(
        [sys.executable, "-c", _CHILD],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class FreshProcess:
    timeout = 300
    number = 1
    repeat = 1

    def track_first_call_extra(self):
        with tempfile.TemporaryDirectory() as folder:
            env = {"SKLIME_CACHE_DIR": folder, "JAX_COMPILATION_CACHE_DIR": ""}
            child(env)
            r = child(env)
        return r["first"] - r["second"]

    track_first_call_extra.unit = "s"
