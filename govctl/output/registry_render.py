"""What ``govctl registry list | show | graph`` print (text, JSON, Mermaid, DOT)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from govctl.escape import inline, safe_json

if TYPE_CHECKING:
    from collections.abc import Sequence

    from govctl.registry import Artifact


def listing(digest: str, artifacts: Sequence[Artifact], fmt: str) -> str:
    if fmt == "json":
        data = {
            "registryDigest": digest,
            "artifacts": [
                {
                    "identity": a.identity,
                    "kind": a.kind,
                    "owner": a.metadata.get("owner"),
                    "file": a.path,
                    "line": a.line,
                    "digest": a.digest,
                    "valid": a.valid,
                }
                for a in artifacts
            ],
        }
        return json.dumps(data, indent=2) + "\n"
    lines = []
    for a in artifacts:
        owner = inline(a.metadata.get("owner", ""))
        lines.append(f"{inline(a.identity):60} {owner:16} {inline(a.path)}")
    lines.append(f"{len(artifacts)} artifacts; registry digest {digest}")
    return "\n".join(lines) + "\n"


def show(artifact: Artifact, depends_on: Sequence[str], dependents: Sequence[str]) -> str:
    """The artifact as JSON (as hashed), with its digest, location and both directions."""
    shown = {
        "identity": artifact.identity,
        "file": artifact.path,
        "line": artifact.line,
        "digest": artifact.digest,
        "valid": artifact.valid,
        "document": artifact.doc,
        "dependsOn": list(depends_on),
        "dependents": list(dependents),
    }
    return safe_json(json.dumps(shown, indent=2, ensure_ascii=False)) + "\n"


def graph(nodes: Sequence[str], edges: Sequence[tuple[str, str]], fmt: str) -> str:
    if fmt == "json":
        data = {
            "nodes": list(nodes),
            "edges": [{"from": f, "to": t} for f, t in edges],
        }
        return json.dumps(data, indent=2) + "\n"
    if fmt == "dot":
        lines = ["digraph govctl {\n  rankdir=LR;"]
        lines += [inline(f'  "{f}" -> "{t}";') for f, t in edges]
        lines.append("}")
        return "\n".join(lines) + "\n"
    ids = {i: f"n{n}" for n, i in enumerate(nodes)}
    lines = ["graph LR"]
    lines += [inline(f'  {node}["{identity}"]') for identity, node in ids.items()]
    lines += [f"  {ids[f]} --> {ids[t]}" for f, t in edges]
    return "\n".join(lines) + "\n"
