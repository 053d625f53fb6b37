"""HTML views of explanations: self-contained fragments, no scripts, no network.

:func:`explanation_html` renders an :class:`~sklime.Explanation` (and an
image explanation) row by row: a header, the model's prediction, the
surrogate's weights as diverging bars and the row's values.
:func:`text_explanation_html` adds each text with its words highlighted.
The fragments have inline styles and are ASCII only, so that they render
offline in a notebook or a browser whatever the charset.
"""

import html
from string import Template

import numpy as np

from .._explanation._weights import ranked
from ._colours import NEGATIVE, POSITIVE, rgb_bytes

__all__ = ["explanation_html", "text_explanation_html"]

#: Rows rendered at the most when every row is asked for.
MAX_ROWS = 50

HTML_STYLE = Template("""<style>
.sklime-exp{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;
font-size:13px;color:#212529;background:#fff;padding:4px 0}
.sklime-exp .row{border:1px solid #dee2e6;border-radius:6px;padding:10px 14px;
margin:0 0 12px 0}
.sklime-exp h4{margin:0 0 2px 0;font-size:15px}
.sklime-exp h5{margin:0 0 6px 0;font-size:13px;color:#495057}
.sklime-exp p.meta{margin:0 0 8px 0;color:#6c757d}
.sklime-exp .panels{display:flex;flex-wrap:wrap;gap:14px 28px;align-items:flex-start}
.sklime-exp table{border-collapse:collapse}
.sklime-exp td{padding:2px 6px;vertical-align:middle}
.sklime-exp td.num{font-family:ui-monospace,Menlo,Consolas,monospace;text-align:right}
.sklime-exp td.desc{text-align:right;max-width:22em}
.sklime-exp td.half{width:90px;padding:2px 0}
.sklime-exp td.left{border-right:1px solid #495057}
.sklime-exp tr.axis td{font-size:11px;color:#6c757d;padding-bottom:4px}
.sklime-exp tr.axis td.left{text-align:right;padding-right:4px}
.sklime-exp tr.axis td.right{padding-left:4px}
.sklime-exp div.pos{background:$positive;height:14px;border-radius:0 2px 2px 0}
.sklime-exp div.neg{background:$negative;height:14px;margin-left:auto;border-radius:2px 0 0 2px}
.sklime-exp td.bar{width:100px;background:#f1f3f5;padding:0}
.sklime-exp .prob{background:#1c7ed6;height:14px}
.sklime-exp tr.explained td.name{font-weight:bold}
.sklime-exp .big{font-size:22px;font-weight:bold}
.sklime-exp table.values tr.pos td.name{border-left:4px solid $positive}
.sklime-exp table.values tr.neg td.name{border-left:4px solid $negative}
.sklime-exp table.values tr:nth-child(even){background:#f8f9fa}
.sklime-exp details{margin-top:8px;color:#495057}
.sklime-exp summary{cursor:pointer}
</style>""").substitute(positive=POSITIVE, negative=NEGATIVE)

TEXT_STYLE = """<style>
.sklime-exp .text{line-height:1.9;max-width:60em;white-space:pre-wrap;
margin:0 0 10px 0;padding:6px 10px;background:#f8f9fa;border-radius:4px}
.sklime-exp .text span{border-radius:3px;padding:0 1px}
</style>"""

_HIGHLIGHT = {  # rgba() components of the word highlights, by sign
    sign: ",".join(map(str, rgb_bytes(colour)))
    for sign, colour in ((1, POSITIVE), (-1, NEGATIVE))
}


def explanation_html(explanation, i=None, label=None):
    """:meth:`Explanation.to_html <sklime.Explanation.to_html>` of ``explanation``.

    Row ``i``, or every row (up to 50), each a block of its own.
    """
    return _page(explanation, i, label, noun="rows")


def text_explanation_html(explanation, i=None, label=None):
    """:meth:`TextExplanation.to_html <sklime.TextExplanation.to_html>`.

    As :func:`explanation_html`, with each text above its panels, its words
    highlighted by weight.
    """
    return _page(
        explanation, i, label, noun="texts", style=TEXT_STYLE, text=_highlighted
    )


def _page(explanation, i, label, *, noun, style="", text=None):
    """The fragment: styles, one block per row, a note on the rows left out."""
    n = len(explanation)
    rows = range(min(n, MAX_ROWS)) if i is None else [explanation._row(i)]
    parts = [HTML_STYLE, style]
    for r in rows:
        block = "" if text is None else text(explanation, r, label)
        parts.append(_row_html(explanation, r, label, block))
    if i is None and n > MAX_ROWS:
        parts.append(f"<p>... and {n - MAX_ROWS} more {noun}.</p>")
    return "<div class='sklime-exp'>" + "".join(parts) + "</div>"


def _row_html(explanation, i, label, text=""):
    """One row: header, optional ``text`` block, then the three panels."""
    slot = explanation._slot(i, label)
    target = esc(explanation._target(i, label))
    items = ranked(explanation.coef[i, slot])
    panels = [
        _prediction_panel(explanation, i, slot),
        _weights_panel(
            [(str(explanation.descriptions[i, j]), w) for j, w in items], target
        ),
    ]
    values = _values_panel(explanation, i, items)
    if values:
        panels.append(values)
    samples = (
        ""
        if explanation.n_samples is None
        else f"; {int(explanation.n_samples[i])} samples"
    )
    return (
        f"<div class='row'><h4>Row {i}: explaining {target}</h4>"
        "<p class='meta'>surrogate at the row: "
        f"{explanation.local_pred[i, slot]:.4g}; "
        f"fidelity (weighted R&sup2;): {explanation.score[i, slot]:.3f}{samples}</p>"
        f"{text}<div class='panels'>{''.join(panels)}</div>"
        f"{_all_values(explanation, i)}</div>"
    )


def _prediction_panel(explanation, i, slot):
    """The black box's answer for the row, the explained label in bold."""
    pred = np.asarray(explanation.model_pred[i], dtype=float)
    explained = int(explanation.labels[i, slot])

    def table(outputs, bars):
        return _prob_table(
            [
                (esc(explanation._output_name(k)), pred[k], k == explained)
                for k in outputs
            ],
            bars=bars,
        )

    if explanation.mode == "regression":
        body = (
            f"<div class='big'>{pred[0]:.4g}</div>"
            if pred.size == 1
            else table(range(pred.size), bars=False)
        )
        return f"<div class='panel'><h5>Model prediction</h5>{body}</div>"
    order = np.argsort(-pred, kind="stable")[:10]
    if explained not in order:
        order = np.append(order[:9], explained)
    bars = bool(np.all((pred >= 0) & (pred <= 1)))
    title = "Prediction probabilities" if bars else "Model outputs"
    return f"<div class='panel'><h5>{title}</h5>{table(order, bars)}</div>"


def _values_panel(explanation, i, items):
    """The row's values of the kept features (tabular, ungrouped only)."""
    data = explanation.data
    if data is None or explanation.groups is not None:
        return ""
    if data.ndim != 2 or data.shape[1] != explanation.coef.shape[2]:
        return ""
    cells = "".join(
        f"<tr class='{'pos' if w > 0 else 'neg'}'>"
        f"<td class='name'>{esc(explanation.data_names[j])}</td>"
        f"<td class='num'>{esc(fmt(data[i, j]))}</td></tr>"
        for j, w in items
    )
    return (
        "<div class='panel'><h5>Feature values</h5>"
        f"<table class='values'>{cells}</table></div>"
    )


def _all_values(explanation, i):
    """Every value of the row, folded away."""
    if explanation.data is None:
        return ""
    row = explanation.data[i]
    cells = "".join(
        f"<tr><td class='name'>{esc(n)}</td><td class='num'>{esc(fmt(v))}</td></tr>"
        for n, v in zip(explanation.data_names, row)
    )
    return (
        f"<details><summary>all {len(row)} feature values</summary>"
        f"<table class='values'>{cells}</table></details>"
    )


def _prob_table(items, bars=True):
    """Rows ``(name, value, explained)``: a name, a bar (if ``bars``) and the value."""
    out = []
    for name, value, explained in items:
        bar = (
            f"<td class='bar'><div class='prob' style='width:{100 * value:.1f}%'>"
            "</div></td>"
            if bars
            else ""
        )
        cls = " class='explained'" if explained else ""
        number = f"{value:.3f}" if bars else f"{value:.4g}"
        out.append(
            f"<tr{cls}><td class='name'>{name}</td>{bar}"
            f"<td class='num'>{number}</td></tr>"
        )
    return f"<table class='probs'>{''.join(out)}</table>"


def _weights_panel(items, name):
    """Diverging bars: weights against the label to the left, for it to the right."""
    scale = max([abs(w) for _, w in items] + [1e-300])
    rows = []
    for desc, w in items:
        width = f"style='width:{100 * abs(w) / scale:.1f}%'"
        neg = f"<div class='neg' {width}></div>" if w < 0 else ""
        pos = f"<div class='pos' {width}></div>" if w > 0 else ""
        rows.append(
            f"<tr><td class='desc'>{esc(desc)}</td>"
            f"<td class='half left'>{neg}</td><td class='half right'>{pos}</td>"
            f"<td class='num'>{w:+.4f}</td></tr>"
        )
    if not rows:
        rows.append("<tr><td class='desc'>(no feature kept)</td></tr>")
    head = (
        "<tr class='axis'><td></td><td class='left'>&larr; against</td>"
        "<td class='right'>for &rarr;</td><td></td></tr>"
    )
    return (
        f"<div class='panel'><h5>Weights for {name}</h5>"
        f"<table class='bars'>{head}{''.join(rows)}</table></div>"
    )


def _highlighted(explanation, i, label):
    """Text ``i`` with its words tinted by weight (hover: the weight)."""
    w = explanation._weights(i, label)
    scale = max(float(np.max(np.abs(w))), 1e-300)
    item = explanation.indexed[i]
    out = []
    for piece, feature in zip(item.pieces, item.piece_feature):
        text = esc(piece)
        weight = float(w[feature]) if feature >= 0 else 0.0
        if weight == 0:
            out.append(text)
            continue
        rgb = _HIGHLIGHT[1 if weight > 0 else -1]
        opacity = 0.15 + 0.75 * abs(weight) / scale
        ink = ";color:#fff" if opacity > 0.6 else ""
        out.append(
            f"<span style='background:rgba({rgb},{opacity:.2f}){ink}' "
            f"title='{weight:+.4f}'>{text}</span>"
        )
    return f"<div class='text'>{''.join(out)}</div>"


def esc(value):
    """HTML-escaped text, ASCII only (character references), whatever the charset.

    Examples
    --------
    >>> esc("a < b, caf\\u00e9")
    'a &lt; b, caf&#233;'
    """
    text = html.escape(str(value), quote=True)
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def fmt(value):
    """A value for display: floats to 4 significant digits, others as ``str``."""
    if isinstance(value, float | np.floating):
        return f"{value:.4g}"
    return str(value)
