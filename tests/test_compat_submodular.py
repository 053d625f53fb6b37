"""sklime.compat.submodular_pick: lime's SubmodularPick on sklime's explainers."""

import numpy as np
import pytest
from lime.submodular_pick import SubmodularPick as LimeSubmodularPick

from sklime.compat.lime_tabular import LimeTabularExplainer
from sklime.compat.submodular_pick import SubmodularPick


class _Replay:
    """An explainer that hands lime's SubmodularPick our explanations, in order."""

    def __init__(self, explanations):
        self.queue = list(explanations)

    def explain_instance(self, row, predict_fn, **kwargs):
        return self.queue.pop(0)


@pytest.fixture(scope="module")
def picked(cancer, cancer_lr):
    X, _, names = cancer
    explainer = LimeTabularExplainer(X, feature_names=names, random_state=0)
    return SubmodularPick(
        explainer,
        X[:40],
        cancer_lr.predict_proba,
        method="full",
        num_exps_desired=4,
        num_features=5,
        num_samples=400,
    )


def test_same_picks_as_lime_on_the_same_explanations(picked):
    theirs = LimeSubmodularPick(
        _Replay(picked.explanations),
        np.zeros((40, 1)),
        None,
        method="full",
        num_exps_desired=4,
        num_features=5,
    )
    assert picked.V == theirs.V
    assert all(e is f for e, f in zip(picked.sp_explanations, theirs.sp_explanations))


def test_explanations_are_explain_instance_s(picked, cancer, cancer_lr):
    X, _, names = cancer
    explainer = LimeTabularExplainer(X, feature_names=names, random_state=0)
    one = explainer.explain_instance(
        X[7], cancer_lr.predict_proba, num_features=5, num_samples=400, top_labels=1
    )
    assert picked.explanations[7].as_map() == one.as_map()
    assert len(picked.explanations) == 40 and picked.W.shape[0] == 40
    # Every picked explanation adds features the earlier ones did not cover.
    covered = set()
    for i in picked.V:
        names_i = {
            n
            for n, _ in picked.explanations[i].as_list(
                label=picked.explanations[i].available_labels()[0]
            )
        }
        assert names_i - covered
        covered |= names_i


def test_sample_method_and_warnings(cancer, cancer_lr):
    X, _, _ = cancer
    explainer = LimeTabularExplainer(X, random_state=0)
    with pytest.warns(UserWarning, match="sample_size=50 is larger"):
        sp = SubmodularPick(
            explainer,
            X[:6],
            cancer_lr.predict_proba,
            sample_size=50,
            num_exps_desired=9,
            num_samples=200,
        )
    assert len(sp.explanations) == 6 and len(sp.V) == 6
    # A seed fixes the candidates of method="sample".
    a, b = (
        SubmodularPick(
            explainer,
            X[:30],
            cancer_lr.predict_proba,
            sample_size=5,
            num_exps_desired=2,
            num_samples=200,
            random_state=3,
        )
        for _ in range(2)
    )
    assert [e.as_map() for e in a.explanations] == [e.as_map() for e in b.explanations]
    assert a.V == b.V
    with pytest.raises(ValueError, match="method must be one of"):
        SubmodularPick(explainer, X[:6], cancer_lr.predict_proba, method="all")


def test_greedy_cover_ties():
    from sklime._explanation._global import greedy_cover

    W = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert greedy_cover(W, 2).tolist() == [0, 2]
    assert greedy_cover(W, 2, ties="last").tolist() == [1, 2]
