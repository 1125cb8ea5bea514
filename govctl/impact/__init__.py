"""Change impact (docs/spec.md §5): semantic diff, predicates, impact report, ``input.change``.

Only the change set is exported here, so ``govctl.check`` or ``govctl.api`` can import
``change_provider`` without importing the report (which uses the check pipeline itself):
the report lives in ``govctl.impact.report``.
"""

from __future__ import annotations

from govctl.impact.changes import ArtifactChange, ChangeSet, change_provider, diff_registries

__all__ = ["ArtifactChange", "ChangeSet", "change_provider", "diff_registries"]
