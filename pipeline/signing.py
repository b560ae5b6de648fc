"""The office's signing key and the HMAC that identifies the templates it issued."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from pipeline.failures import NapError

KEY_ENV = "NAP_SIGNING_KEY"


def signing_key(key_file: Path) -> bytes:
    """The key from NAP_SIGNING_KEY, else from the workspace's key file, created on first use.

    The file is created with O_EXCL and mode 0600 so that two processes starting at once
    cannot each write a different key.
    """
    from_env = os.environ.get(KEY_ENV, "").strip()
    if from_env:
        return from_env.encode()
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = key_file.read_text(encoding="ascii").strip()
        if not key:
            raise NapError(
                f"the signing key file {key_file} is empty; restore it from your backup"
            ) from None
        return key.encode()
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key.encode()


def sign(key: bytes, fields: dict[str, str]) -> str:
    """HMAC-SHA256 over a canonical JSON of the identifying fields."""
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, blob.encode(), hashlib.sha256).hexdigest()


def verify(key: bytes, fields: dict[str, str], signature: str) -> bool:
    return hmac.compare_digest(sign(key, fields), signature.strip().lower())
