"""Loading ``govctl.yaml`` into the typed ``Config`` model.

Errors name the file and line (ConfigError, exit 2). Nothing here reads the environment: the CLI
decides which file to load.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from govctl.errors import ConfigError
from govctl.fileio import NotReadable, read_regular
from govctl.hints import did_you_mean, nearest
from govctl.loader.yamlparse import YamlProblem, decode_utf8, parse_yaml
from govctl.models.config import Config

CONFIG_FILENAME = "govctl.yaml"
CONFIG_MAX_BYTES = 1024 * 1024


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds govctl.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILENAME
        # Not only regular files: a govctl.yaml that is a FIFO or device is found here and
        # refused by load_config with a message, rather than skipped in silence.
        if candidate.exists() and not candidate.is_dir():
            return folder
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (``Model``, ``list[Model]``, ``Model | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    """The keys ``Config`` allows in the mapping at ``loc`` (empty when it cannot tell)."""
    model: type[BaseModel] | None = Config
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        fields = {(f.alias or name): f for name, f in model.model_fields.items()}
        field = fields.get(str(part))
        model = _model_in(field.annotation) if field is not None else None
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _render_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_config(text: str, display_path: str) -> Config:
    result = parse_yaml(text, positions=True)
    if result.problem:
        raise ConfigError(result.problem.message, file=display_path, line=result.problem.line)
    docs = [d for d in result.documents if d.value is not None]
    if len(docs) != 1 or not isinstance(docs[0].value, dict):
        raise ConfigError(
            "expected exactly one YAML mapping (kind: Config)", file=display_path, line=1
        )
    doc = docs[0]
    try:
        return Config.model_validate(doc.value)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        line = None
        for n in range(len(loc), 0, -1):
            if loc[:n] in doc.positions:
                line = doc.positions[loc[:n]][0]
                break
        field = _render_loc(loc) or "document"
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        message = err["msg"]
        if err["type"] == "extra_forbidden" and loc:
            allowed = _keys_at(loc[:-1])
            hint = did_you_mean(str(loc[-1]), allowed)
            message = (
                f"unknown key{hint}; allowed here: {', '.join(allowed)}" if allowed else message
            )
        raise ConfigError(f"{field}: {message}{more}", file=display_path, line=line) from None


def load_config(path: Path, display_path: str | None = None) -> Config:
    shown = display_path or str(path)
    try:
        data = read_regular(path, CONFIG_MAX_BYTES)
    except NotReadable as exc:
        if exc.message == "file not found":
            raise ConfigError(
                "configuration not found (run `govctl init` to create one)", file=shown
            ) from None
        raise ConfigError(exc.message, file=shown) from None
    try:
        text = decode_utf8(data)
    except YamlProblem as problem:
        raise ConfigError(problem.message, file=shown, line=problem.line) from None
    return parse_config(text, shown)


def check_roots(root: Path, config: Config, display_path: str = CONFIG_FILENAME) -> None:
    """Fail on a configured root folder that does not exist when its name is a near miss of a
    folder that does (``registy`` beside ``registry``): a typo, reported before the artifacts it
    should have held turn up as dangling references. A missing root with no near miss stays
    allowed (a folder not created yet); the loader reports it when nothing is left to check.
    Folders already used as roots or policy paths are never the suggestion."""
    taken = {r.rstrip("/") for r in config.roots} | {p.rstrip("/") for p in config.policy.paths}
    for configured in config.roots:
        folder = root / configured
        if folder.is_dir():
            continue
        parent = folder.parent
        inside = parent.is_dir() and parent.resolve().is_relative_to(root.resolve())
        siblings = [
            p.relative_to(root).as_posix()
            for p in (parent.iterdir() if inside else ())
            if p.is_dir() and not p.name.startswith(".")
        ]
        close = nearest(configured, [s for s in siblings if s not in taken])
        if close is not None:
            raise ConfigError(
                f"roots: folder {configured!r} does not exist (did you mean {close!r}?)",
                file=display_path,
            )
