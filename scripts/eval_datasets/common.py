"""Helpers shared by the dataset builders: case construction, ids, slot filling, formatting."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

Case = dict[str, Any]


def make_case(
    tags: Iterable[str], input_: dict[str, Any], expected: dict[str, Any], **extra: Any
) -> Case:
    """A case without its id; ids are assigned once the whole dataset is assembled."""
    case: Case = {"tags": sorted(set(tags)), "input": input_, "expected": expected}
    case.update(extra)
    return case


def number_cases(prefix: str, cases: Sequence[Case]) -> list[Case]:
    """Give every case a stable id (``prefix-0001``) in dataset order."""
    return [{"id": f"{prefix}-{index:04d}", **case} for index, case in enumerate(cases, start=1)]


def sample_combinations(
    rng: random.Random, slots: dict[str, Sequence[Any]], count: int
) -> list[dict[str, Any]]:
    """``count`` distinct slot assignments, drawn without replacement from the full product."""
    names = sorted(slots)
    product = list(itertools.product(*(slots[name] for name in names)))
    chosen = rng.sample(product, min(count, len(product)))
    return [dict(zip(names, values, strict=True)) for values in chosen]


def cycle_pick(items: Sequence[Any], index: int) -> Any:
    """Round-robin choice: spreads paraphrases and channels evenly without randomness."""
    return items[index % len(items)]


def eur(amount: float) -> str:
    """``EUR 1,234.50`` style used in the EU tariff documents."""
    if float(amount).is_integer():
        return f"EUR {int(amount):,}"
    return f"EUR {amount:,.2f}"


def kzt(amount: int) -> str:
    """``1 200 000 ₸`` style used in the KZ tariff documents (space as thousands separator)."""
    return f"{amount:,}".replace(",", " ") + " ₸"


def kzt_plain(amount: int) -> str:
    """Amount as a customer types it: ``1 200 000``."""
    return f"{amount:,}".replace(",", " ")


def annuity_payment(principal: float, annual_rate: float, months: int) -> float:
    """Monthly payment of an annuity loan; ``annual_rate`` is an effective annual rate (APR)."""
    monthly: float = (1 + annual_rate) ** (1 / 12) - 1
    discount: float = (1 + monthly) ** -months
    return round(principal * monthly / (1 - discount), 2)


def interleave(*groups: Sequence[Case]) -> Iterator[Case]:
    """Mix case groups so that adversarial and edge cases are not all at the end of the file."""
    iterators = [iter(group) for group in groups if group]
    while iterators:
        for iterator in list(iterators):
            try:
                yield next(iterator)
            except StopIteration:
                iterators.remove(iterator)
