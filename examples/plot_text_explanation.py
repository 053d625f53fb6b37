"""
Explaining a text classifier word by word
=========================================

:class:`sklime.TextExplainer` is LIME for text, with the defaults of
``lime``'s ``LimeTextExplainer``: each of 5000 samples removes a random
number of distinct words, samples are weighted by their cosine distance to
the text, and a ridge surrogate on at most 10 words explains the
prediction. It explains a scikit-learn text pipeline on raw strings, many
texts in one call, reproducibly.
"""

import time

import matplotlib.pyplot as plt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklime import TextExplainer

# %%
# A tiny corpus of film reviews, and a TF-IDF + logistic regression model.
reviews = [
    ("a wonderful heartfelt film with a brilliant cast", 1),
    ("great acting and a moving story", 1),
    ("I loved the music and the gorgeous photography", 1),
    ("funny, warm and surprisingly clever", 1),
    ("the best film of the year, superb direction", 1),
    ("an uplifting and charming adventure", 1),
    ("brilliant performances and a sharp script", 1),
    ("a delightful family movie with great jokes", 1),
    ("a boring mess with awful dialogue", 0),
    ("terrible acting and a predictable plot", 0),
    ("I hated the noisy soundtrack and the ugly sets", 0),
    ("dull, slow and painfully long", 0),
    ("the worst film of the year, lazy direction", 0),
    ("a tedious and joyless sequel", 0),
    ("wooden performances and a clumsy script", 0),
    ("a silly movie with stale jokes", 0),
]
texts, sentiment = zip(*reviews)
names = ["negative" if s == 0 else "positive" for s in sentiment]
model = make_pipeline(TfidfVectorizer(), LogisticRegression(C=10))
model.fit(list(texts), names)  # classes_: ["negative", "positive"]

# %%
# Explain four new reviews at once, each for its predicted class.
new_reviews = [
    "The cast was brilliant but the plot was predictable and the jokes were stale",
    "A boring, slow film with wooden acting; only the photography is gorgeous",
    "Great story, great direction, a moving and funny adventure for the family",
    "I expected a clever script and got a tedious, joyless mess",
]
explainer = TextExplainer(model, random_state=0)
start = time.perf_counter()
exp = explainer.explain(new_reviews)
print(f"{exp} in {time.perf_counter() - start:.2f} s")
for i, review in enumerate(new_reviews):
    label = exp.label_name(i)
    print(f"\n{review!r}\n  predicted {label} (p={exp.model_pred[i].max():.2f})")
    for word, weight in exp.as_list(i)[:4]:
        print(f"  {word:>12s} {weight:+.3f}")

# %%
# The same explanations, always: a text's samples depend only on the seed
# and the text, so explaining it alone gives exactly the same weights.
alone = explainer.explain(new_reviews[2])
print("identical alone and in the batch:", alone.as_list() == exp.as_list(2))

# %%
# Explain the positive class (output 1) of the mixed first review, and plot it.
positive = TextExplainer(model, labels=1, random_state=0).explain(new_reviews[0])
ax = positive.plot(0)
ax.set_title("Words for 'positive' in the first review")
plt.tight_layout()

# %%
# ``to_html`` highlights the words in the text (green for, red against), in
# self-contained HTML without scripts; notebooks show it automatically.
html = positive.to_html()
print(html[html.index("<div class='text'>") :][:300], "...")
plt.show()
