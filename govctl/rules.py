"""``RuleMeta``: what govctl knows about a rule, whoever computes it.

Rego rules get it from their ``# METADATA`` annotations (``govctl.policy.bundle``), the rules
computed in Python from ``govctl.native_rules``. It lives apart from both so that neither imports
the other just for this type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RuleMeta:
    id: str
    title: str
    description: str
    severity: str
    component: str
    stage: str
    waivable: bool
    controls: tuple[str, ...]
    remediation: str
    kinds: tuple[str, ...]
    source: str  # file:line of the annotation, or "govctl (native)"
    package: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "severity": self.severity,
            "component": self.component,
            "stage": self.stage,
            "waivable": self.waivable,
            "controls": list(self.controls),
            "remediation": self.remediation,
            "kinds": list(self.kinds),
            "source": self.source,
        }
