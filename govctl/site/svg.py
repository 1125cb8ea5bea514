"""Inline SVG drawn in Python: a deployment's dependency graph and its cost projection chart.

Both are plain strings of SVG markup meant to be embedded in a page (``|safe`` in the templates);
every text is escaped here. Each drawing carries ``role="img"``, a ``<title>`` and a
``<desc>`` so screen readers get the same facts, and states status in words, never by colour
alone.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 280, 46, 70, 14, 12
LABEL_CHARS = 40

# Paint order of kinds inside a column (what a reader looks for first comes first).
KIND_ORDER = (
    "Deployment",
    "Prompt",
    "Model",
    "GuardrailPolicy",
    "EvalSuite",
    "EvalRun",
    "ResidencyRule",
    "Waiver",
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class GraphNode:
    identity: str
    role: str  # e.g. "prompt", "primary model", "fallback model", "eval run"
    findings: int  # unwaived findings on this artifact
    href: str | None  # None: the identity does not resolve


def _kind_rank(identity: str) -> tuple[int, str]:
    kind = identity.split("/", 1)[0]
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), identity)


def dependency_graph(
    subject: GraphNode,
    members: Sequence[GraphNode],
    paths: Mapping[str, tuple[str, ...]],
    title: str,
) -> str:
    """Columns by distance from the subject; an edge from each member's predecessor on its path."""
    columns: dict[int, list[GraphNode]] = {0: [subject]}
    for node in sorted(members, key=lambda n: _kind_rank(n.identity)):
        depth = max(1, len(paths.get(node.identity, ())) - 1)
        columns.setdefault(depth, []).append(node)
    places: dict[str, tuple[int, int]] = {}
    for depth, nodes in columns.items():
        for row, node in enumerate(nodes):
            places[node.identity] = (
                PAD + depth * (NODE_W + COL_GAP),
                PAD + row * (NODE_H + ROW_GAP),
            )
    width = PAD * 2 + (max(columns) + 1) * NODE_W + max(columns) * COL_GAP
    height = PAD * 2 + max(len(n) for n in columns.values()) * (NODE_H + ROW_GAP) - ROW_GAP
    edges = []
    for node in members:
        path = paths.get(node.identity, ())
        parent = path[-2] if len(path) >= 2 else subject.identity
        if parent not in places or node.identity not in places:
            continue
        (x1, y1), (x2, y2) = places[parent], places[node.identity]
        sx, sy, ex, ey = x1 + NODE_W, y1 + NODE_H // 2, x2, y2 + NODE_H // 2
        mid = (sx + ex) // 2
        edges.append(
            f'<path class="edge" d="M{sx},{sy} C{mid},{sy} {mid},{ey} {ex},{ey}" '
            'marker-end="url(#arrow)"/>'
        )
    boxes = [_node(node, places[node.identity]) for node in [subject, *members]]
    listing = "; ".join(f"{n.role}: {n.identity}" for n in members) or "no dependencies"
    return (
        f'<svg class="graph" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="graph-title graph-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">'
        f'<title id="graph-title">{_e(title)}</title>'
        f'<desc id="graph-desc">{_e(subject.identity)} depends on {_e(listing)}</desc>'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrow"/></marker></defs>' + "".join(edges) + "".join(boxes) + "</svg>"
    )


def _node(node: GraphNode, place: tuple[int, int]) -> str:
    x, y = place
    kind, _, name = node.identity.partition("/")
    status = f"{node.findings} finding{'s' if node.findings != 1 else ''}" if node.findings else ""
    state = "bad" if node.findings else ("missing" if node.href is None else "ok")
    top = f"{kind} · {node.role}" + (f" · {status}" if status else "")
    body = (
        f'<rect class="node node-{_e(kind.lower())} {state}" x="{x}" y="{y}" width="{NODE_W}" '
        f'height="{NODE_H}" rx="6"/>'
        f'<text class="kind" x="{x + 10}" y="{y + 17}">{_e(_short(top, 46))}</text>'
        f'<text class="name" x="{x + 10}" y="{y + 36}">{_e(_short(name))}</text>'
    )
    tip = f"<title>{_e(node.identity)} ({_e(node.role)}){', ' + status if status else ''}</title>"
    if node.href is None:
        return f"<g>{tip}{body}</g>"
    return f'<a href="{_e(node.href)}">{tip}{body}</a>'


CHART_W, CHART_H, LEFT, BOTTOM, TOP = 560, 260, 90, 40, 20


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def cost_chart(
    volumes: Sequence[tuple[str, float | None]],
    ceiling: float | None,
    currency: str,
    title: str,
    money: Callable[[float, str], str] = _money,
) -> str:
    """Bars for the projected monthly cost at each volume, and the ceiling as a dashed line.

    A bar above the ceiling says so in its label ("over ceiling"), not only by its colour.
    """
    values = [v for _, v in volumes if v is not None]
    top = max([*values, ceiling or 0.0, 1e-9])
    plot_h = CHART_H - BOTTOM - TOP
    slot = (CHART_W - LEFT - 20) / max(1, len(volumes))

    def y_of(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    parts = [
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{CHART_W - 10}" '
        f'y2="{TOP + plot_h}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>',
        f'<text class="tick" x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">'
        f"{_e(f'{top:,.0f}')}</text>",
        f'<text class="tick" x="{LEFT - 6}" y="{TOP + plot_h + 4}" text-anchor="end">0</text>',
    ]
    described = []
    for i, (name, value) in enumerate(volumes):
        x = LEFT + i * slot + slot * 0.2
        w = slot * 0.6
        label_x = x + w / 2
        parts.append(
            f'<text class="tick" x="{label_x:.1f}" y="{TOP + plot_h + 18}" '
            f'text-anchor="middle">×{_e(name.lstrip("x"))}</text>'
        )
        if value is None:
            parts.append(
                f'<text class="value" x="{label_x:.1f}" y="{TOP + plot_h - 6}" '
                'text-anchor="middle">n/a</text>'
            )
            described.append(f"×{name.lstrip('x')}: not projected")
            continue
        over = ceiling is not None and value > ceiling
        y = y_of(value)
        parts.append(
            f'<rect class="bar{" over" if over else ""}" x="{x:.1f}" y="{y:.1f}" '
            f'width="{w:.1f}" height="{TOP + plot_h - y:.1f}"/>'
        )
        text = money(value, currency) + (" (over ceiling)" if over else "")
        parts.append(
            f'<text class="value" x="{label_x:.1f}" y="{max(TOP + 10, y - 6):.1f}" '
            f'text-anchor="middle">{_e(money(value, currency))}{" ▲" if over else ""}</text>'
        )
        described.append(f"×{name.lstrip('x')}: {text}")
    if ceiling is not None:
        cy = y_of(ceiling)
        parts.append(
            f'<line class="ceiling" x1="{LEFT}" y1="{cy:.1f}" x2="{CHART_W - 10}" y2="{cy:.1f}"/>'
        )
        parts.append(
            f'<text class="ceiling-label" x="{CHART_W - 12}" y="{cy - 5:.1f}" '
            f'text-anchor="end">ceiling {_e(money(ceiling, currency))}</text>'
        )
        described.append(f"monthly ceiling {money(ceiling, currency)}")
    else:
        described.append("no monthly ceiling")
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="cost-title cost-desc" viewBox="0 0 {CHART_W} {CHART_H}" '
        f'width="{CHART_W}" height="{CHART_H}">'
        f'<title id="cost-title">{_e(title)}</title>'
        f'<desc id="cost-desc">{_e("; ".join(described))}</desc>' + "".join(parts) + "</svg>"
    )
