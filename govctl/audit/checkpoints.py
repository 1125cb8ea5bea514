"""Checkpoints: (origin, size, head, time), in the database and as files, optionally signed.

A checkpoint file is ``<checkpoints dir>/<size:012d>-<head[:16]>.json``::

    {"format": "govctl.audit.checkpoint.v1", "origin": "...", "size": 42, "head": "<64 hex>",
     "time": "2026-11-22T10:00:00.000000Z", "keyId": "ed25519:<16 hex>" | null,
     "signature": "<base64>" | null}

``size`` is the number of events (the seq of the head event); ``head`` is that event's hash (the
genesis value for size 0). The signed message is the UTF-8 text
``"govctl.audit.checkpoint.v1\\n<origin>\\n<size>\\n<head>\\n<time>\\n"``, signed with Ed25519;
``keyId`` is ``ed25519:`` + the first 16 hex digits of the SHA-256 of the raw 32-byte public key.
Files are named by size *and* head, so two checkpoints of one size that disagree (a fork) live
side by side instead of overwriting each other.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from govctl.errors import ConfigError, UsageError

CHECKPOINT_FORMAT = "govctl.audit.checkpoint.v1"
FILE_PATTERN = re.compile(r"^(\d{12})-([0-9a-f]{16})\.json$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    head: str
    time: str
    key_id: str | None = None
    signature: str | None = None

    def signed_message(self) -> bytes:
        fields = (CHECKPOINT_FORMAT, self.origin, str(self.size), self.head, self.time)
        return "".join(f"{field}\n" for field in fields).encode("utf-8")

    def to_json(self) -> dict[str, Any]:
        return {
            "format": CHECKPOINT_FORMAT,
            "origin": self.origin,
            "size": self.size,
            "head": self.head,
            "time": self.time,
            "keyId": self.key_id,
            "signature": self.signature,
        }

    @property
    def file_name(self) -> str:
        return f"{self.size:012d}-{self.head[:16]}.json"


@dataclass(frozen=True)
class CheckpointFile:
    """A checkpoint file as found: ``checkpoint`` is None when ``error`` says why."""

    path: Path
    checkpoint: Checkpoint | None
    error: str | None = None


def parse_checkpoint(data: Any) -> Checkpoint:
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"not a {CHECKPOINT_FORMAT} document")
    origin, size, head, time = (data.get(k) for k in ("origin", "size", "head", "time"))
    if not isinstance(origin, str) or not origin:
        raise ValueError("origin missing")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ValueError("size is not a non-negative integer")
    if not isinstance(head, str) or not HEX64.match(head):
        raise ValueError("head is not 64 hex digits")
    if not isinstance(time, str):
        raise ValueError("time missing")
    key_id, signature = data.get("keyId"), data.get("signature")
    if key_id is not None and not isinstance(key_id, str):
        raise ValueError("keyId is not a string")
    if signature is not None and not isinstance(signature, str):
        raise ValueError("signature is not a string")
    return Checkpoint(origin, size, head, time, key_id, signature)


def read_checkpoint_file(path: Path) -> CheckpointFile:
    try:
        checkpoint = parse_checkpoint(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        return CheckpointFile(path, None, f"unreadable checkpoint: {exc}")
    return CheckpointFile(path, checkpoint)


def checkpoint_paths(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix == ".json" and p.is_file())


def load_checkpoint_files(directory: Path) -> list[CheckpointFile]:
    return [read_checkpoint_file(p) for p in checkpoint_paths(directory)]


def newest_checkpoint_file(directory: Path) -> CheckpointFile | None:
    """The checkpoint file with the largest size, found by name (cheap with many files)."""
    named = [
        (int(m.group(1)), p)
        for p in checkpoint_paths(directory)
        if (m := FILE_PATTERN.match(p.name))
    ]
    if not named:
        return None
    return read_checkpoint_file(max(named)[1])


def write_checkpoint_file(directory: Path, checkpoint: Checkpoint) -> Path:
    """Write atomically (temporary file + rename): a reader never sees half a checkpoint."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / checkpoint.file_name
    text = json.dumps(checkpoint.to_json(), indent=2, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # committed to git: readable like any other file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# -- keys and signatures -------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


def load_private_key(path: Path, shown: str | None = None) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise ConfigError("audit signing key not found", file=shown or str(path)) from None
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"cannot load the audit signing key: {exc}", file=shown or str(path)
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError("the audit signing key is not an Ed25519 key", file=shown or str(path))
    return key


def load_public_key(path: Path, shown: str | None = None) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except FileNotFoundError:
        raise ConfigError("audit public key not found", file=shown or str(path)) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot load the audit public key: {exc}", file=shown or str(path)
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError("the audit public key is not an Ed25519 key", file=shown or str(path))
    return key


def sign(checkpoint: Checkpoint, private_key: Ed25519PrivateKey) -> Checkpoint:
    unsigned = replace(checkpoint, key_id=key_id(private_key.public_key()), signature=None)
    signature = base64.b64encode(private_key.sign(unsigned.signed_message())).decode("ascii")
    return replace(unsigned, signature=signature)


def signature_problem(
    checkpoint: Checkpoint, public_key: Ed25519PublicKey
) -> tuple[str, str] | None:
    """``(kind, message)`` when ``checkpoint`` is not validly signed by ``public_key``."""
    if not checkpoint.signature:
        return ("unsigned", "checkpoint is not signed, but a public key is configured")
    expected = key_id(public_key)
    if checkpoint.key_id != expected:
        return ("wrong-key", f"signed by key {checkpoint.key_id}, expected {expected}")
    try:
        public_key.verify(
            base64.b64decode(checkpoint.signature, validate=True), checkpoint.signed_message()
        )
    except (InvalidSignature, ValueError):
        return ("bad-signature", f"signature does not verify with key {expected}")
    return None


def generate_keypair(private_path: Path, public_path: Path, *, force: bool = False) -> str:
    """Write a new Ed25519 key pair (private key mode 0600); return its key id."""
    for path in (private_path, public_path):
        if path.exists() and not force:
            raise UsageError(f"{path} exists (pass --force to replace it)")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(private_pem)
    os.chmod(private_path, 0o600)
    public_path.write_bytes(public_pem)
    return key_id(key.public_key())
