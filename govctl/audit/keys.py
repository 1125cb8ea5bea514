"""Signing keys pinned by git history, and key rotation statements.

The public key that verifies checkpoints is the one in the commit that first added
``audit.publicKey`` (docs/spec.md §6). A later key is trusted only through a rotation statement
signed by the key before it, kept under ``audit.rotations``::

    {"format": "govctl.audit.key-rotation.v1", "previousKeyId": "ed25519:...",
     "newKeyId": "ed25519:...", "newPublicKey": "<PEM>", "time": "...", "signature": "<base64>"}

The signed message is ``"govctl.audit.key-rotation.v1\\n<previousKeyId>\\n<newKeyId>\\n<sha256
of newPublicKey>\\n<time>\\n"`` (Ed25519, by the previous key). Statements authenticate
themselves, so they are read from the work tree; the chain starts at the pinned key and follows
statements one signature at a time.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from govctl.audit.checkpoints import Checkpoint, generate_keypair, key_id, load_private_key
from govctl.audit.paths import AuditPaths
from govctl.audit.payload import format_time
from govctl.errors import UsageError

ROTATION_FORMAT = "govctl.audit.key-rotation.v1"


def parse_public_key(pem: bytes) -> Ed25519PublicKey | None:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


@dataclass(frozen=True)
class Rotation:
    previous_key_id: str
    new_key_id: str
    new_public_key: str
    time: str
    signature: str

    def signed_message(self) -> bytes:
        digest = hashlib.sha256(self.new_public_key.encode("utf-8")).hexdigest()
        fields = (ROTATION_FORMAT, self.previous_key_id, self.new_key_id, digest, self.time)
        return "".join(f"{field}\n" for field in fields).encode("utf-8")

    def to_json(self) -> dict[str, Any]:
        return {
            "format": ROTATION_FORMAT,
            "previousKeyId": self.previous_key_id,
            "newKeyId": self.new_key_id,
            "newPublicKey": self.new_public_key,
            "time": self.time,
            "signature": self.signature,
        }

    def verified_new_key(self, previous: Ed25519PublicKey) -> Ed25519PublicKey | None:
        """The new key, when ``previous`` signed this statement and the ids match."""
        new = parse_public_key(self.new_public_key.encode("utf-8"))
        if (
            new is None
            or key_id(new) != self.new_key_id
            or key_id(previous) != self.previous_key_id
        ):
            return None
        try:
            previous.verify(base64.b64decode(self.signature, validate=True), self.signed_message())
        except (InvalidSignature, ValueError):
            return None
        return new


def make_rotation(previous: Ed25519PrivateKey, new: Ed25519PublicKey, time: str) -> Rotation:
    unsigned = Rotation(key_id(previous.public_key()), key_id(new), public_pem(new), time, "")
    signature = base64.b64encode(previous.sign(unsigned.signed_message())).decode("ascii")
    return Rotation(
        unsigned.previous_key_id, unsigned.new_key_id, unsigned.new_public_key, time, signature
    )


def _parse_rotation(data: Any) -> Rotation | None:
    if not isinstance(data, dict) or data.get("format") != ROTATION_FORMAT:
        return None
    names = ("previousKeyId", "newKeyId", "newPublicKey", "time", "signature")
    strings = [v for v in (data.get(k) for k in names) if isinstance(v, str)]
    if len(strings) != len(names):
        return None
    return Rotation(*strings)


def read_rotations(folder: Path) -> list[Rotation]:
    """Readable statements in ``folder`` (unreadable ones simply do not extend the chain)."""
    found = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            try:
                statement = _parse_rotation(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
            if statement is not None:
                found.append(statement)
    return found


def write_rotation(folder: Path, rotation: Rotation) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = "".join(c for c in rotation.time if c.isdigit())
    target = folder / f"{stamp}-{rotation.new_key_id.split(':', 1)[-1]}.json"
    tmp = target.with_name(f".tmp-{target.name}")
    tmp.write_text(json.dumps(rotation.to_json(), indent=2, sort_keys=True) + "\n", "utf-8")
    os.replace(tmp, target)
    return target


def trusted_chain(pinned: Ed25519PublicKey, rotations: list[Rotation]) -> list[Ed25519PublicKey]:
    """The pinned key, then each key a statement signed by the key before it introduces."""
    chain = [pinned]
    seen = {key_id(pinned)}
    while True:
        current = chain[-1]
        following = [
            new
            for r in rotations
            if r.previous_key_id == key_id(current) and r.new_key_id not in seen
            if (new := r.verified_new_key(current)) is not None
        ]
        if not following:
            return chain
        chain.append(following[0])
        seen.add(key_id(following[0]))


def signature_problem_any(
    checkpoint: Checkpoint, keys: dict[str, Ed25519PublicKey]
) -> tuple[str, str] | None:
    """``(kind, message)`` when no trusted key validly signed ``checkpoint``."""
    if not checkpoint.signature:
        return ("unsigned", "checkpoint is not signed, but a public key is configured")
    key = keys.get(checkpoint.key_id or "")
    if key is None:
        return (
            "wrong-key",
            f"signed by key {checkpoint.key_id}, which is not a trusted key "
            f"({', '.join(sorted(keys))})",
        )
    try:
        key.verify(
            base64.b64decode(checkpoint.signature, validate=True), checkpoint.signed_message()
        )
    except (InvalidSignature, ValueError):
        return ("bad-signature", f"signature does not verify with key {checkpoint.key_id}")
    return None


@dataclass(frozen=True)
class RotationResult:
    previous_key_id: str
    new_key_id: str
    statement: Path


def rotate_signing_key(paths: AuditPaths, new_private: Path, now: datetime) -> RotationResult:
    """Generate a new pair, sign the rotation statement with the current private key, then
    replace the public key file (the statement is written first: never a key without one)."""
    assert paths.signing_key is not None and paths.public_key is not None
    if new_private.exists():
        raise UsageError(f"{new_private} exists: choose a new file for the new private key")
    previous = load_private_key(paths.signing_key, paths.shown(paths.signing_key))
    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch) / "new.pub.pem"
        generate_keypair(new_private, staged)
        new_public = parse_public_key(staged.read_bytes())
        assert new_public is not None
        rotation = make_rotation(previous, new_public, format_time(now))
        statement = write_rotation(paths.rotations, rotation)
        tmp = paths.public_key.with_name(f".tmp-{paths.public_key.name}")
        tmp.write_bytes(staged.read_bytes())
        os.replace(tmp, paths.public_key)
    return RotationResult(rotation.previous_key_id, rotation.new_key_id, statement)
