"""The impact report's Mermaid graph: changed artifacts → affected deployments, at any scale.

Deployments are grouped by environment in subgraphs (prod first, then staging, then the rest by
name). Small changes show every dependency path (changed artifact → prompt → … → deployment).
Beyond ``FULL_EDGES_MAX`` path edges or ``FULL_DEPLOYMENTS_MAX`` deployments, the graph shows only
changed artifact → deployment edges, and each environment shows at most its share of
``DEPLOYMENT_NODES`` deployments — those that changed themselves first, then user-facing, then
by name — plus one "+N more" node that receives the edges of the rest (labelled with how many
deployments each changed artifact reaches there). Changed artifacts beyond ``CHANGED_NODES`` are
folded the same way. The node count stays bounded (about one screen at 50 or 500 affected
deployments), and the caption under the graph says what was folded, so nothing is dropped
silently: every changed artifact and every deployment is either drawn or counted in a "+N more"
node, and the table above the graph lists all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from govctl.impact.affected import AffectedDeployment
from govctl.impact.report import ImpactReport

FULL_EDGES_MAX = 40
FULL_DEPLOYMENTS_MAX = 12
DEPLOYMENT_NODES = 15
CHANGED_NODES = 10
EXPOSURE = {"prod": 0, "staging": 1}


def mermaid_label(text: str) -> str:
    """A quoted Mermaid node label: ``/``, ``@`` and ``.`` are safe inside quotes; quotes, ``#``
    and angle brackets are written as Mermaid entity codes."""
    return (
        text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def _env(item: AffectedDeployment) -> str:
    return item.info.environment or "no environment"


def _env_order(env: str) -> tuple[int, str]:
    return (EXPOSURE.get(env, 2), env)


@dataclass
class _Picture:
    """Nodes and edges in the order they are written; ids are stable for one report."""

    ids: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    styles: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)  # environment → node keys
    edges: dict[tuple[str, str], str] = field(default_factory=dict)  # (a, b) → label

    def node(self, key: str, label: str, style: str = "", group: str | None = None) -> None:
        if key not in self.ids:
            self.ids[key] = f"n{len(self.ids)}"
            self.labels[key] = label
            self.styles[key] = style
            if group is not None:
                self.groups.setdefault(group, []).append(key)

    def edge(self, a: str, b: str, label: str = "") -> None:
        self.edges.setdefault((a, b), label)

    def lines(self) -> list[str]:
        grouped = {key for keys in self.groups.values() for key in keys}
        out = ["```mermaid", "flowchart LR"]
        out += [self._node(key) for key in self.ids if key not in grouped]
        for index, env in enumerate(sorted(self.groups, key=_env_order)):
            out.append(f'  subgraph env{index}["{mermaid_label(env)}"]')
            out += ["  " + self._node(key) for key in self.groups[env]]
            out.append("  end")
        for (a, b), label in self.edges.items():
            arrow = f"-->|{mermaid_label(label)}|" if label else "-->"
            out.append(f"  {self.ids[a]} {arrow} {self.ids[b]}")
        out += [
            "  classDef changed fill:#fde2e1,stroke:#b42318,color:#000",
            "  classDef deployment fill:#e0ecff,stroke:#1d4ed8,color:#000",
            "  classDef more fill:#f2f2f2,stroke:#777,stroke-dasharray:4 3,color:#000",
            "```",
        ]
        return out

    def _node(self, key: str) -> str:
        style = f":::{self.styles[key]}" if self.styles[key] else ""
        return f'  {self.ids[key]}["{mermaid_label(self.labels[key])}"]{style}'


def _path_edges(affected: Sequence[AffectedDeployment]) -> dict[tuple[str, str], None]:
    return {edge: None for item in affected for path in item.paths for edge in pairwise(path)}


def _full(report: ImpactReport, affected: Sequence[AffectedDeployment]) -> _Picture:
    picture = _Picture()
    changed = {c.identity for c in report.changes}
    envs = {item.identity: _env(item) for item in affected}

    def add(key: str) -> None:
        style = "changed" if key in changed else ("deployment" if key in envs else "")
        picture.node(key, key, style, envs.get(key))

    for a, b in _path_edges(affected):
        add(a)
        add(b)
        picture.edge(a, b)
    # A deployment that changed itself has a one-node path, and a changed artifact may reach
    # no deployment at all: both are drawn all the same.
    for key in [*(c.identity for c in report.changes), *envs]:
        add(key)
    return picture


def _shown_per_env(affected: Sequence[AffectedDeployment]) -> dict[str, list[AffectedDeployment]]:
    by_env: dict[str, list[AffectedDeployment]] = {}
    for item in affected:
        by_env.setdefault(_env(item), []).append(item)
    share = max(2, DEPLOYMENT_NODES // max(1, len(by_env)))
    for env, items in by_env.items():
        items.sort(key=lambda a: (a.identity not in a.changed, not a.info.user_facing, a.identity))
        by_env[env] = items[:share] if len(items) <= share else items[: share - 1]
    return by_env


def _reduced(report: ImpactReport, affected: Sequence[AffectedDeployment]) -> tuple[_Picture, str]:
    picture = _Picture()
    deployments = {item.identity for item in affected}
    changed = {c.identity for c in report.changes}
    # Changed deployments are drawn in their environment; the other changed artifacts on the left.
    sources = [c.identity for c in report.changes if c.identity not in deployments]
    shown_sources = sources if len(sources) <= CHANGED_NODES else sources[: CHANGED_NODES - 1]
    more_changed = len(sources) - len(shown_sources)
    for key in shown_sources:
        picture.node(key, key, "changed")
    if more_changed:
        picture.node("+changed", f"+{more_changed} more changed artifacts", "more")
    shown = {item.identity for items in _shown_per_env(affected).values() for item in items}
    hidden: dict[str, int] = {}
    reached: dict[tuple[str, str], int] = {}  # (changed node, "+more" node) → deployments
    for item in sorted(affected, key=lambda a: (_env_order(_env(a)), a.identity)):
        env = _env(item)
        if item.identity in shown:
            style = "changed" if item.identity in changed else "deployment"
            picture.node(item.identity, item.identity, style, env)
            target = item.identity
        else:
            hidden[env] = hidden.get(env, 0) + 1
            target = f"+{env}"
        for source in item.changed:
            if source in deployments:
                continue  # the deployment itself changed: its node is styled as changed
            node = source if source in shown_sources else "+changed"
            if target.startswith("+"):
                reached[(node, target)] = reached.get((node, target), 0) + 1
            else:
                picture.edge(node, target)
    for env, count in hidden.items():
        picture.node(f"+{env}", f"+{count} more in {env}", "more", env)
    for (node, target), count in reached.items():
        picture.edge(node, target, str(count))
    folded = sum(hidden.values())
    changed_here = sum(1 for item in affected if item.identity in changed)
    caption = (
        f"Showing changed artifact → deployment edges only (paths through prompts and models "
        f"are in the table); {folded} of {len(affected)} deployments are counted in “+N more” "
        f"nodes, edge labels saying how many deployments a changed artifact reaches there"
    )
    if changed_here:
        caption += f"; {_plural(changed_here, 'deployment')} changed itself (red when drawn)"
        if changed_here > 1:
            caption = caption.replace(" changed itself ", " changed themselves ")
    if more_changed:
        caption += f"; {_plural(more_changed, 'changed artifact')} folded into one node"
    return picture, caption + ". The Affected deployments table and the JSON report list all."


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def graph(report: ImpactReport, affected: Sequence[AffectedDeployment]) -> list[str]:
    """Mermaid lines (and a caption when something is folded) for ``affected`` in order."""
    if not affected:
        return []
    edges = _path_edges(affected)
    if len(edges) <= FULL_EDGES_MAX and len(affected) <= FULL_DEPLOYMENTS_MAX:
        return _full(report, affected).lines()
    picture, caption = _reduced(report, affected)
    return [*picture.lines(), "", f"<sub>{caption}</sub>"]
