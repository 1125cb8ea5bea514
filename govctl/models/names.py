"""The kinds of artifact by name, without their models.

Importing the pydantic models (``govctl.models.kinds``) costs ~35 ms; a warm check that takes
every artifact from the cache never validates one, so what only needs the names imports them
from here. ``govctl.models.kinds`` re-exports them and a test keeps the two in step.
"""

from __future__ import annotations

KINDS: tuple[str, ...] = (
    "Model",
    "Prompt",
    "ResidencyRule",
    "GuardrailPolicy",
    "EvalSuite",
    "EvalRun",
    "Deployment",
    "Waiver",
)
# Subjects that are not artifacts of the registry: a gateway's model group (``govctl gateway
# diff``). A package is evaluated for them only when its METADATA names them in custom.kinds.
RUNTIME_KINDS: tuple[str, ...] = ("GatewayRoute",)
SUBJECT_KINDS: tuple[str, ...] = (*KINDS, *RUNTIME_KINDS)
VERSIONED_KINDS = frozenset({"Prompt", "Model"})
