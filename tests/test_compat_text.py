"""sklime.compat.lime_text: lime's text API on sklime.TextExplainer.

lime's own tests run through tools/run_lime_tests.py; here: offline
equivalents of its 20 newsgroups tests, parity with lime.lime_text, the
indexes, errors, characters, top labels, batches and the views.
"""

import re

import matplotlib
import numpy as np
import pytest
from lime import lime_text as lime
from matplotlib.figure import Figure
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline

from sklime.compat.explanation import Explanation
from sklime.compat.lime_text import (
    IndexedCharacters,
    IndexedString,
    LimeTextExplainer,
    TextDomainMapper,
)

matplotlib.use("Agg")

#: Samples per text outside the parity tests.
N = 300

#: Word weights of a known model: a few words decide, the rest do nothing.
WEIGHTS = {"excellent": 2.0, "awful": -1.5, "boring": -0.8, "fun": 0.4}
REVIEW = (
    "an excellent cast, a fun plot, some boring scenes and an awful ending in the end"
)


def keyword_model(texts):
    """P(class 1) = sigmoid(sum of the weights of the words of the text - 0.2)."""
    z = np.array(
        [sum(WEIGHTS.get(w, 0.0) for w in re.findall(r"\w+", t.lower())) for t in texts]
    )
    p = 1 / (1 + np.exp(-(z - 0.2)))
    return np.column_stack([1 - p, p])


def three_classes(texts):
    """Scores of 'red', 'green' and 'blue' by how often each word occurs."""
    counts = np.array(
        [
            [len(re.findall(rf"\b{c}\b", t)) for c in ("red", "green", "blue")]
            for t in texts
        ]
    )
    e = np.exp(counts + np.array([0.0, 0.3, 0.1]))
    return e / e.sum(axis=1, keepdims=True)


# -- offline equivalents of lime's 20 newsgroups tests ---------------------------

FAITH = ["god", "church", "faith", "prayer", "bible", "jesus"]
DOUBT = ["atheism", "evidence", "science", "reason", "darwin", "skeptic"]
FILLER = ["the", "a", "of", "and", "we", "think", "about", "this", "people", "often"]


@pytest.fixture(scope="module")
def newsgroups():
    """TfidfVectorizer + MultinomialNB on generated posts, and a test post."""
    rng = np.random.default_rng(0)

    def post(topic):
        words = list(rng.choice(FILLER, 12)) + list(rng.choice(topic, 4))
        return " ".join(rng.permutation(words))

    docs = [post(FAITH) for _ in range(40)] + [post(DOUBT) for _ in range(40)]
    model = make_pipeline(TfidfVectorizer(lowercase=False), MultinomialNB(alpha=0.01))
    model.fit(docs, [1] * 40 + [0] * 40)
    text = (
        "we think about the evidence and the bible, people often pray to god for reason"
    )
    return model, text


def test_newsgroups_good_regressor(newsgroups):
    model, text = newsgroups
    explainer = LimeTextExplainer(class_names=["atheism", "christian"])
    exp = explainer.explain_instance(
        text, model.predict_proba, num_features=6, num_samples=1000
    )
    assert exp is not None
    assert len(exp.as_list()) == 6
    assert exp.class_names == ["atheism", "christian"]
    top = [w for w, _ in exp.as_list()[:3]]
    assert set(top) <= {"evidence", "bible", "god", "reason"}


def test_newsgroups_equal_random_state(newsgroups):
    model, text = newsgroups
    kwargs = dict(num_features=6, num_samples=1000)
    one = LimeTextExplainer(class_names=["atheism", "christian"], random_state=10)
    two = LimeTextExplainer(class_names=["atheism", "christian"], random_state=10)
    first = one.explain_instance(text, model.predict_proba, **kwargs)
    assert (
        first.as_map()
        == two.explain_instance(text, model.predict_proba, **kwargs).as_map()
    )
    # lime #231 fixed: a second call of the same explainer gives the same too.
    assert (
        first.as_map()
        == one.explain_instance(text, model.predict_proba, **kwargs).as_map()
    )
    # A RandomState instance is turned into one seed at construction as well.
    rs = LimeTextExplainer(random_state=np.random.RandomState(3))
    a = rs.explain_instance(text, model.predict_proba, **kwargs)
    assert (
        a.as_map() == rs.explain_instance(text, model.predict_proba, **kwargs).as_map()
    )


def test_newsgroups_not_equal_random_state(newsgroups):
    model, text = newsgroups
    kwargs = dict(num_features=6, num_samples=1000)
    a = LimeTextExplainer(random_state=10).explain_instance(
        text, model.predict_proba, **kwargs
    )
    b = LimeTextExplainer(random_state=20).explain_instance(
        text, model.predict_proba, **kwargs
    )
    assert a.as_map() != b.as_map()
    # Without a seed, every call draws afresh.
    free = LimeTextExplainer()
    c = free.explain_instance(text, model.predict_proba, **kwargs)
    assert (
        c.as_map()
        != free.explain_instance(text, model.predict_proba, **kwargs).as_map()
    )


# -- parity with lime.lime_text ---------------------------------------------------


def _explain_both(seed=0, **kwargs):
    init = {k: kwargs.pop(k) for k in ("kernel", "kernel_width", "bow") if k in kwargs}
    kwargs = {"num_samples": 5000, "num_features": 6, **kwargs}
    theirs = lime.LimeTextExplainer(random_state=seed, **init).explain_instance(
        REVIEW, keyword_model, **kwargs
    )
    ours = LimeTextExplainer(random_state=seed, **init).explain_instance(
        REVIEW, keyword_model, **kwargs
    )
    return ours, theirs


def test_parity_with_lime_defaults():
    """Measured (seed 0): weights within 0.001, intercept 0.0006, score 0.0002.

    The four words of the model come first, in the same order, with the same
    signs; the other words have weights near 0 and are ranked by noise. A
    kernel width of 15 instead of 25 moves the intercept by 0.012.
    """
    ours, theirs = _explain_both()
    assert isinstance(ours, Explanation)
    mine, limes = ours.as_list(), theirs.as_list()
    assert [w for w, _ in mine[:4]] == [w for w, _ in limes[:4]] == list(WEIGHTS)
    for (_, a), (_, b) in zip(mine[:4], limes[:4]):
        assert np.sign(a) == np.sign(b)
        assert abs(a - b) < 0.01
    assert all(abs(w) < 0.01 for _, w in mine[4:])
    assert abs(ours.intercept[1] - theirs.intercept[1]) < 0.005
    assert abs(ours.score - theirs.score) < 0.005
    assert abs(ours.local_pred[0] - theirs.local_pred[0]) < 0.005
    np.testing.assert_allclose(ours.predict_proba, theirs.predict_proba)
    assert ours.class_names == theirs.class_names == ["0", "1"]


def test_parity_with_lime_kernel_and_top_labels():
    """A user kernel (lime's signature) and top_labels, as lime's."""

    def kernel(d, kernel_width):
        return np.exp(-d / kernel_width)

    ours, theirs = _explain_both(kernel=kernel, kernel_width=10, top_labels=2)
    assert ours.top_labels == [int(k) for k in theirs.top_labels] == [0, 1]
    assert ours.available_labels() == [0, 1]
    for label in (0, 1):
        mine, limes = ours.as_list(label), theirs.as_list(label)
        assert [w for w, _ in mine[:4]] == [w for w, _ in limes[:4]]
        for (_, a), (_, b) in zip(mine[:4], limes[:4]):
            assert np.sign(a) == np.sign(b) and abs(a - b) < 0.01
        assert abs(ours.intercept[label] - theirs.intercept[label]) < 0.005
    # lime's score is that of the last label explained: the most probable.
    assert abs(ours.score - theirs.score) < 0.005


def test_parity_with_lime_positions_and_euclidean():
    ours, theirs = _explain_both(bow=False, distance_metric="euclidean")
    mine, limes = ours.as_list(positions=True), theirs.as_list(positions=True)
    assert mine[0][0] == limes[0][0] == "excellent_3"
    assert np.sign(mine[0][1]) == np.sign(limes[0][1])
    assert abs(ours.intercept[1] - theirs.intercept[1]) < 0.005


# -- indexes ------------------------------------------------------------------------


def _tokenizer(text):
    return re.split(r"(?:\W+)|$", text)


STRINGS = [
    "Please, take your time. Please",
    "the cat saw the dog, and the dog saw the cat!",
    "  leading spaces; trailing punctuation... ",
    "unicode: café naïve 🙂 déjà vu 🙂",
    "one",
    "!!!",
]


def _same_index(ours, theirs):
    assert ours.raw_string() == theirs.raw_string()
    assert ours.as_list == theirs.as_list
    np.testing.assert_array_equal(ours.as_np, theirs.as_np)
    np.testing.assert_array_equal(ours.string_start, theirs.string_start)
    assert ours.inverse_vocab == list(theirs.inverse_vocab)
    assert ours.num_words() == theirs.num_words()
    if theirs.bow:
        assert ours.positions == theirs.positions
    else:
        np.testing.assert_array_equal(ours.positions, theirs.positions)
    for j in range(theirs.num_words()):
        assert ours.word(j) == theirs.word(j)
        np.testing.assert_array_equal(
            ours.string_position(j), theirs.string_position(j)
        )
    rng = np.random.default_rng(0)
    n = theirs.num_words()
    for _ in range(10 if n else 0):
        drop = rng.choice(n, rng.integers(0, n + 1), replace=False)
        assert ours.inverse_removing(drop) == theirs.inverse_removing(drop)
    ids = [(j, 0.5 - 0.1 * j) for j in range(n)]
    for positions in (False, True):
        assert TextDomainMapper(ours).map_exp_ids(ids, positions=positions) == (
            lime.TextDomainMapper(theirs).map_exp_ids(ids, positions=positions)
        )


@pytest.mark.parametrize("text", STRINGS)
@pytest.mark.parametrize("split", [r"\W+", r"\s+", str.split, _tokenizer])
@pytest.mark.parametrize("bow", [True, False])
def test_indexed_string_equals_limes(text, split, bow):
    for mask in (None, "##"):
        ours = IndexedString(text, split_expression=split, bow=bow, mask_string=mask)
        theirs = lime.IndexedString(
            text, split_expression=split, bow=bow, mask_string=mask
        )
        assert ours.mask_string == theirs.mask_string
        _same_index(ours, theirs)


@pytest.mark.parametrize("text", ["Please, take your time", "aab b", "🙂x🙂"])
@pytest.mark.parametrize("bow", [True, False])
def test_indexed_characters_equal_limes(text, bow):
    for mask in (None, "_"):
        ours = IndexedCharacters(text, bow=bow, mask_string=mask)
        theirs = lime.IndexedCharacters(text, bow=bow, mask_string=mask)
        assert ours.mask_string == theirs.mask_string
        _same_index(ours, theirs)


def test_lime_suite_indexes_without_ragged_array_equal():
    """lime's two tests that numpy >= 1.24 breaks (np.array_equal of ragged lists)."""
    s = IndexedString("Please, take your time. Please")
    assert s.as_list == [
        "Please",
        ", ",
        "take",
        " ",
        "your",
        " ",
        "time",
        ". ",
        "Please",
    ]
    assert s.string_start.tolist() == [0, 6, 8, 12, 13, 17, 18, 22, 24]
    assert s.inverse_vocab == ["Please", "take", "your", "time"]
    assert s.positions == [[0, 8], [2], [4], [6]]

    def pairs(string):
        return [string[i] + string[i + 1] for i in range(0, len(string) - 1, 2)]

    s = IndexedString("aabbccddaa", pairs)
    assert s.as_list == ["aa", "bb", "cc", "dd", "aa"]
    assert s.string_start.tolist() == [0, 2, 4, 6, 8]
    assert s.inverse_vocab == ["aa", "bb", "cc", "dd"]
    assert s.positions == [[0, 4], [1], [2], [3]]


def _wordy(texts):
    """P(class 1) rises with the number of words (every word matters)."""
    p = 1 / (1 + np.exp(-(0.4 * np.array([len(t.split()) for t in texts]) - 1)))
    return np.column_stack([1 - p, p])


def test_inverse_removing_and_positions_in_names():
    s = IndexedString("the dog saw the cat", bow=False, mask_string="_")
    assert s.inverse_removing([0, 4]) == "_ dog saw the _"
    assert s.inverse_removing(np.array([], dtype=int)) == s.raw
    seen = []

    def record(texts):
        seen.extend(texts)
        return _wordy(texts)

    exp = LimeTextExplainer(
        bow=False, mask_string="?", random_state=0
    ).explain_instance("the dog saw the cat", record, num_samples=N)
    names = [name for name, _ in exp.as_list(positions=True)]
    assert sorted(names) == ["cat_16", "dog_4", "saw_8", "the_0", "the_12"]
    assert all(t.count(" ") == 4 for t in seen) and any("?" in t for t in seen)
    bag = LimeTextExplainer(random_state=0).explain_instance(
        "the dog saw the cat", _wordy, num_samples=N
    )
    assert "the_0-12" in [name for name, _ in bag.as_list(positions=True)]


# -- errors ---------------------------------------------------------------------------


def _explain(classifier_fn=keyword_model, text=REVIEW, **kwargs):
    kwargs.setdefault("num_samples", N)
    return LimeTextExplainer(random_state=0).explain_instance(
        text, classifier_fn, **kwargs
    )


@pytest.mark.parametrize(
    "classifier_fn, match",
    [
        (lambda t: keyword_model(t)[:, 1], r"classifier_fn must return probabilities"),
        (lambda t: keyword_model(t)[:, 1:], r"n_classes >= 2; got shape \(300, 1\)"),
        (lambda t: keyword_model(t)[:3], "classifier_fn returned 3 rows for 300 texts"),
        (lambda t: keyword_model(t) * np.nan, "classifier_fn returned NaN"),
        (lambda t: [["a", "b"]] * len(t), "classifier_fn must return an array"),
    ],
)
def test_bad_classifier_outputs(classifier_fn, match):
    with pytest.raises(ValueError, match=match):
        _explain(classifier_fn)


def test_classifier_errors_name_classifier_fn():
    def broken(texts):
        raise KeyError("oops")

    with pytest.raises(RuntimeError, match="classifier_fn raised KeyError") as info:
        _explain(broken)
    causes, cause = [], info.value
    while cause is not None:
        causes.append(cause)
        cause = cause.__cause__
    assert isinstance(causes[-1], KeyError)
    with pytest.raises(TypeError, match="classifier_fn must be a callable"):
        _explain(object())


def test_bad_texts():
    for text in ("", "!!! ..."):
        with pytest.raises(ValueError, match="text_instance has no words"):
            _explain(text=text)
    with pytest.raises(TypeError, match="text_instance must be a str"):
        _explain(text=b"bytes")
    explainer = LimeTextExplainer(random_state=0)
    with pytest.raises(ValueError, match=r"texts\[1\] has no words"):
        explainer.explain_instances(["fine", ""], keyword_model, num_samples=N)
    with pytest.raises(ValueError, match="texts is empty"):
        explainer.explain_instances([], keyword_model, num_samples=N)
    with pytest.raises(TypeError, match="use explain_instance"):
        explainer.explain_instances("one text", keyword_model, num_samples=N)
    with pytest.raises(ValueError, match="text_instance has no words"):
        LimeTextExplainer(char_level=True).explain_instance("", keyword_model)


def test_bad_arguments():
    with pytest.raises(ValueError, match="distance_metric must be one of"):
        _explain(distance_metric="manhattan")
    with pytest.raises(ValueError, match=r"labels \[5\] out of range"):
        _explain(labels=(5,))
    with pytest.raises(ValueError, match="labels must be"):
        _explain(labels=(-1,))
    with pytest.raises(ValueError, match="num_features must be"):
        _explain(num_features=0)
    with pytest.raises(ValueError, match="num_samples must be"):
        _explain(num_samples=1)
    with pytest.raises(ValueError, match="top_labels must be"):
        _explain(top_labels=0)
    with pytest.raises(TypeError, match="model_regressor must be"):
        _explain(model_regressor="ridge")
    with pytest.raises(ValueError, match="class_names has 1 names"):
        LimeTextExplainer(class_names=["only"]).explain_instance(
            REVIEW, keyword_model, num_samples=N
        )
    with pytest.raises(ValueError, match="split_expression"):
        LimeTextExplainer(split_expression="(").explain_instance(REVIEW, keyword_model)
    with pytest.raises(ValueError, match="split_expression"):
        IndexedString("abc", split_expression="(")
    with pytest.raises(ValueError, match="feature_selection must be one of"):
        LimeTextExplainer(feature_selection="best")
    with pytest.raises(ValueError, match="kernel_width must be"):
        LimeTextExplainer(kernel_width=0)
    with pytest.raises(TypeError, match="kernel must be"):
        LimeTextExplainer(kernel="exponential")
    with pytest.raises(ValueError, match="kernel returned"):
        LimeTextExplainer(
            kernel=lambda d, kernel_width: -np.ones_like(d)
        ).explain_instance(REVIEW, keyword_model, num_samples=N)


# -- features ----------------------------------------------------------------------------


def _exclaims(texts):
    """P(class 1) rises with every '!' (characters)."""
    p = 1 / (1 + np.exp(-(np.array([t.count("!") for t in texts]) - 1.5)))
    return np.column_stack([1 - p, p])


def test_char_level():
    exp = LimeTextExplainer(char_level=True, random_state=0).explain_instance(
        "wow!! ok", _exclaims, num_samples=N
    )
    assert isinstance(exp.domain_mapper.indexed_string, IndexedCharacters)
    (char, weight), *_ = exp.as_list()
    assert char == "!" and weight > 0
    assert ("!_3-4", weight) in exp.as_list(positions=True)

    seen = []

    def record(texts):
        seen.extend(texts)
        return _exclaims(texts)

    exp = LimeTextExplainer(
        char_level=True, bow=False, random_state=0
    ).explain_instance("wow!! ok", record, num_samples=N)
    assert seen[0] == "wow!! ok" and all(len(t) == len("wow!! ok") for t in seen)
    assert any(chr(0) in t for t in seen)  # lime's character mask
    assert {n for n, _ in exp.as_list()[:2]} == {"!"}
    ours = dict(exp.as_list(positions=True))
    theirs = lime.LimeTextExplainer(char_level=True, bow=False, random_state=0)
    theirs = dict(
        theirs.explain_instance("wow!! ok", _exclaims, num_samples=2000).as_list(
            positions=True
        )
    )
    assert set(sorted(ours, key=lambda k: -abs(ours[k]))[:2]) == {"!_3", "!_4"}
    assert set(sorted(theirs, key=lambda k: -abs(theirs[k]))[:2]) == {"!_3", "!_4"}


def test_labels_and_top_labels():
    text = "red green green blue blue blue and some other words"
    explainer = LimeTextExplainer(class_names=["red", "green", "blue"], random_state=0)
    exp = explainer.explain_instance(text, three_classes, num_samples=N, top_labels=2)
    assert exp.top_labels == [2, 1] and exp.available_labels() == [2, 1]
    assert set(exp.local_exp) == {1, 2}
    assert exp.as_list(2)[0][0] == "blue" and exp.as_list(2)[0][1] > 0
    assert exp.class_names == ["red", "green", "blue"]
    exp = explainer.explain_instance(text, three_classes, num_samples=N, labels=[0, 2])
    assert exp.top_labels is None and set(exp.local_exp) == {0, 2}
    with pytest.raises(KeyError, match="was not explained"):
        exp.as_list(1)
    same = explainer.explain_instance(
        text, three_classes, num_samples=N, labels=np.array([0, 2])
    )
    assert same.as_map() == exp.as_map()
    # The default class names are lime's, and the explainer keeps its None.
    free = LimeTextExplainer(random_state=0)
    assert free.explain_instance(text, three_classes, num_samples=N).class_names == [
        "0",
        "1",
        "2",
    ]
    assert free.class_names is None


def test_explain_instances_equals_explain_instance():
    texts = [REVIEW, "awful, just awful", "fun fun fun but boring", "excellent"]
    explainer = LimeTextExplainer(random_state=3)
    batch = explainer.explain_instances(
        texts, keyword_model, num_samples=N, top_labels=1
    )
    assert len(batch) == len(texts)
    for text, exp in zip(texts, batch):
        alone = explainer.explain_instance(
            text, keyword_model, num_samples=N, top_labels=1
        )
        assert exp.as_map() == alone.as_map()
        assert exp.intercept == alone.intercept and exp.score == alone.score
        assert exp.top_labels == alone.top_labels
        np.testing.assert_array_equal(exp.predict_proba, alone.predict_proba)
        assert exp.domain_mapper.indexed_string.raw == text


def test_model_regressor():
    default = _explain(num_features=4)
    ridge = _explain(num_features=4, model_regressor=Ridge(alpha=1.0))
    for (a, x), (b, y) in zip(default.as_list(), ridge.as_list()):
        assert a == b and x == pytest.approx(y, abs=1e-9)
    assert ridge.score == pytest.approx(default.score, abs=1e-9)
    ols = _explain(num_features=4, model_regressor=LinearRegression())
    assert ols.as_list()[0][0] == "excellent"


def test_verbose_prints_limes_lines(capsys):
    LimeTextExplainer(verbose=True, random_state=0).explain_instance(
        REVIEW, keyword_model, num_samples=N
    )
    out = capsys.readouterr().out
    assert "Intercept" in out and "Prediction_local" in out and "Right:" in out


def test_views(tmp_path):
    exp = _explain(text="an excellent <b>cast</b> & an awful end", top_labels=2)
    html = exp.as_html()
    assert html.startswith("<html") and "excellent" in html
    assert "<script" not in html.lower() and "<b>" not in html
    path = tmp_path / "exp.html"
    exp.save_to_file(str(path))
    assert path.read_text(encoding="utf8") == html
    fig = exp.as_pyplot_figure(label=1)
    assert isinstance(fig, Figure)
    assert "excellent" in [t.get_text() for t in fig.axes[0].get_yticklabels()]
    matplotlib.pyplot.close(fig)
    assert (
        TextDomainMapper(exp.domain_mapper.indexed_string).visualize_instance_html(
            [], 1, "div", "exp"
        )
        == ""
    )


def test_native_kernel_metric_and_surrogate():
    """What the compat module needs of sklime.TextExplainer (kernel, metric, surrogate)."""
    from sklime import TextExplainer

    def limes_kernel(d, kernel_width):
        return np.sqrt(np.exp(-(d**2) / kernel_width**2))

    kw = dict(n_samples=N, labels=1, random_state=0)
    base = TextExplainer(keyword_model, **kw).explain(REVIEW)
    own = TextExplainer(keyword_model, kernel=limes_kernel, **kw).explain(REVIEW)
    np.testing.assert_allclose(own.coef, base.coef, atol=1e-12)
    ridge = TextExplainer(keyword_model, surrogate=Ridge(alpha=1.0), **kw).explain(
        REVIEW
    )
    np.testing.assert_allclose(ridge.coef, base.coef, atol=1e-9)
    far = TextExplainer(keyword_model, metric="euclidean", **kw).explain(REVIEW)
    assert not np.allclose(far.coef, base.coef)
    with pytest.raises(ValueError, match="surrogate is not used with kernel='shapley'"):
        TextExplainer(keyword_model, kernel="shapley", surrogate=Ridge(), **kw).explain(
            REVIEW
        )
