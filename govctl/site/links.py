"""Where each page of the site lives, and safe file names and anchors for identities.

Every page is addressed by a path relative to the site root (``deployments/app-prod.html``);
templates turn it into a relative link with ``href(page, target)`` so the site works from
``file://`` and from any sub-folder of a static host (GitHub Pages serves a project under
``/<repository>/``).
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]")
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def slug(text: str) -> str:
    """A file-name-safe, collision-free form: unsafe characters become ``~xx`` (their code)."""
    safe = _UNSAFE.sub(lambda m: "".join(f"~{b:02x}" for b in m.group().encode()), text)
    # A leading dot would hide the file; "." and ".." are not file names.
    return "~2e" + safe[1:] if safe.startswith(".") else safe


def anchor(prefix: str, text: str) -> str:
    """An HTML id (``rule-GOV-RES-001``, ``control-EU-AI-ACT-Art-14``)."""
    return f"{prefix}-{_ANCHOR_UNSAFE.sub('-', text)}"


def deployment_page(name: str) -> str:
    return f"deployments/{slug(name)}.html"


def artifact_page(identity: str) -> str:
    """Deployments have their own page (which also shows their YAML); others live by kind."""
    kind, _, rest = identity.partition("/")
    if kind == "Deployment":
        return deployment_page(rest)
    return f"artifacts/{slug(kind.lower())}/{slug(rest)}.html"


def rule_link(rule: str) -> str:
    return f"rules.html#{anchor('rule', rule)}"


def control_link(control: str) -> str:
    return f"controls.html#{anchor('control', control)}"


def href(page: str, target: str) -> str:
    """Relative link from ``page`` to ``target`` (both site-relative; target may hold #frag).

    Pages never contain ``..``, so climbing to the site root and descending again is exact
    (and cheap: a 10k-artifact site makes a few hundred thousand links).
    """
    if target.startswith("#"):
        return target
    return "../" * page.count("/") + target
