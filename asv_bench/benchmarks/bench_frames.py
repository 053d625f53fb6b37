"""The same rows as a DataFrame and as an array.

breast_cancer, the logistic-regression pipeline fitted on the frame (for
the frame) or on its array (for the array), 200 rows, 5000 samples.
``track_frame_over_array`` is the frame's wall time over the array's, side
by side; ``track_own_frame_over_array`` the same for sklime's own time (wall
time minus the time inside ``predict_proba``): the rest of the difference is
the model's own handling of DataFrames.
"""

import time

from sklime import LimeExplainer

from .common import Benchmark, TimedModel, interleaved_times

N_ROWS = 200


class FrameVsArray(Benchmark):
    timeout = 600
    number = 1
    repeat = (1, 5, 20.0)

    def setup(self):
        from sklearn.datasets import load_breast_cancer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        frame, y = load_breast_cancer(return_X_y=True, as_frame=True)
        array = frame.to_numpy()
        self.rows = {"frame": frame.iloc[:N_ROWS], "array": array[:N_ROWS]}
        self.models, self.explainers = {}, {}
        for kind, X in (("frame", frame), ("array", array)):
            model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
            self.models[kind] = TimedModel(model.fit(X, y).predict_proba)
            self.explainers[kind] = LimeExplainer(
                self.models[kind], random_state=0
            ).fit(X)
            self.explainers[kind].explain(self.rows[kind])

    def _run(self, kind):
        model = self.models[kind]
        model.seconds = 0.0
        start = time.perf_counter()
        self.explainers[kind].explain(self.rows[kind])
        return time.perf_counter() - start, model.seconds

    def time_frame(self):
        self._run("frame")

    def time_array(self):
        self._run("array")

    def _best(self):
        times = interleaved_times(
            {k: (lambda k=k: self._run(k)) for k in ("frame", "array")}, min_time=5.0
        )
        return {k: min(v for _, v in calls) for k, calls in times.items()}

    def track_frame_over_array(self):
        best = self._best()
        return best["frame"][0] / best["array"][0]

    track_frame_over_array.unit = "x"

    def track_own_frame_over_array(self):
        best = self._best()
        (wf, mf), (wa, ma) = best["frame"], best["array"]
        return (wf - mf) / (wa - ma)

    track_own_frame_over_array.unit = "x"
