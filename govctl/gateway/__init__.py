"""The runtime side of governance: gateway configuration rendered from the registry, and drift.

``governed`` (what the registry approves) → a target (``litellm_render`` / ``litellm_read``) →
``drift`` (GOV-RTM-00x findings) → ``service`` (library functions) → ``report`` (output forms).
"""
