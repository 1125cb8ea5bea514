"""Deterministic builders for the golden evaluation datasets of the reference repository.

One module per EvalSuite. Each exposes ``build() -> list[Case]``; the cases are plain JSON
objects written one per line by ``scripts/generate_eval_datasets.py``. Nothing here reads the
clock or the environment, and every random choice comes from a ``random.Random`` seeded with a
constant, so the same code always writes the same bytes (and so the same dataset digest).
"""

from __future__ import annotations
