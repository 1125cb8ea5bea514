"""Pydantic models for govctl's YAML files: artifacts (docs/spec.md §2, ``govctl.models.kinds``)
and govctl.yaml (``govctl.models.config``).

Import the module you need: this package imports none of them, so reading govctl.yaml does not
build the artifact models (~30 ms) in commands that never load the registry."""
