"""The office's signing key, the HMAC that identifies the templates it issued, and the check
that a run uses the key that signed them.

A key is made only by the workspace's set-up (`nap init`), or when templates are first issued
in a workspace made without it, and its fingerprint is kept in the ledger. A run that finds no
key, or another one, stops before reading any file: otherwise every valid return would be
rejected as not the office's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.failures import NapError

if TYPE_CHECKING:
    from pipeline.workspace import Workspace

KEY_ENV = "NAP_SIGNING_KEY"
CHECKED_FILES = 20  # signed files tried when a key is first recorded for existing templates


@dataclass(frozen=True)
class OfficeKey:
    key: bytes
    source: str  # NAP_SIGNING_KEY, or the path of the key file
    created: bool = False  # made by this command: it must go into the office's backup

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key)


def fingerprint(key: bytes) -> str:
    """Names a key without revealing it: what the ledger keeps, and what messages show."""
    return hmac.new(key, b"nap signing key fingerprint", hashlib.sha256).hexdigest()[:16]


def create_key(ws: Workspace) -> OfficeKey:
    """The key of a workspace whose ledger has none recorded yet: the one already in
    NAP_SIGNING_KEY or the key file when it signed the templates found there, else a new key
    file (mode 0600, created exclusively so that two commands at once cannot make two keys).
    Its fingerprint goes into the ledger. `nap templates` and the workspace's set-up call it."""
    if recorded_fingerprint(ws) is not None:
        raise NapError(
            f"the ledger of {ws.root} already records a signing key; a new one would make "
            "every template issued so far unverifiable"
        )
    found = find_key(ws)
    if found is None:
        if next(_signed_files(ws), None) is not None:
            raise NapError(
                f"the templates already in {ws.root} were signed with a key that is neither in "
                f"{ws.key_path} nor in {KEY_ENV}; restore it from the office's backup (a new "
                "key would make every one of them unverifiable)"
            )
        found = _new_key_file(ws.key_path)
    elif _signs_existing_files(ws, found.key) is False:
        raise NapError(_not_the_signer(ws, found))
    _record(ws, found)
    return found


def issuing_key(ws: Workspace) -> OfficeKey:
    """The key to sign templates with: the recorded one, or a key made for the workspace."""
    if recorded_fingerprint(ws) is None:
        return create_key(ws)
    return office_key(ws)


def office_key(ws: Workspace) -> OfficeKey:
    """The key that signed the workspace's templates, or NapError saying where it is expected.
    Never creates a key. A workspace from before fingerprints were kept has its key recorded
    here, once it is shown to have signed the templates or returns found in the workspace."""
    expected = recorded_fingerprint(ws)
    found = find_key(ws)
    if found is None:
        known = f" (fingerprint {expected})" if expected else ""
        raise NapError(
            f"no signing key: the key that signed the templates{known} is expected in the file "
            f"{ws.key_path} or in {KEY_ENV}; restore the file from the office's backup"
        )
    if expected is None:
        signs = _signs_existing_files(ws, found.key)
        if signs is None:
            raise NapError(
                f"no template was issued in {ws.root} yet, so no return can be checked; "
                "issue them first: nap templates --period YEAR"
            )
        if not signs:
            raise NapError(_not_the_signer(ws, found))
        _record(ws, found)
    elif found.fingerprint != expected:
        raise NapError(_wrong_key(ws, found, expected))
    return found


def recorded_fingerprint(ws: Workspace) -> str | None:
    """The fingerprint the ledger keeps; None before a key was recorded."""
    from pipeline.ledger import connect, key_fingerprint

    with connect(ws.ledger_path) as conn:
        return key_fingerprint(conn)


def _record(ws: Workspace, found: OfficeKey) -> None:
    from pipeline.ledger import connect, record_key_fingerprint, transaction

    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    with connect(ws.ledger_path) as conn, transaction(conn):
        kept = record_key_fingerprint(conn, found.fingerprint, now)
    if kept != found.fingerprint:  # another command recorded a key meanwhile
        raise NapError(_wrong_key(ws, found, kept))


def find_key(ws: Workspace) -> OfficeKey | None:
    """The key a command would use: NAP_SIGNING_KEY, else the key file; None when neither."""
    from_env = os.environ.get(KEY_ENV, "").strip()
    if from_env:
        return OfficeKey(from_env.encode(), KEY_ENV)
    try:
        key = ws.key_path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise NapError(f"cannot read the signing key file {ws.key_path}: {exc}") from exc
    if not key:
        raise NapError(f"the signing key file {ws.key_path} is empty; restore it from your backup")
    return OfficeKey(key.encode(), str(ws.key_path))


def _new_key_file(path: Path) -> OfficeKey:
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made by another command a moment ago: that one is the key
        return OfficeKey(path.read_text(encoding="ascii").strip().encode(), str(path))
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return OfficeKey(key.encode(), str(path), created=True)


def _signs_existing_files(ws: Workspace, key: bytes) -> bool | None:
    """Whether the key signed the issued templates or accepted returns of the workspace;
    None when there are none to tell."""
    from pipeline.intake.returned import read_meta
    from pipeline.template import contract as c

    seen = False
    for path in itertools.islice(_signed_files(ws), CHECKED_FILES):
        meta = read_meta(path) or {}
        keys = c.meta_keys(meta.get("schema_version", ""))
        if not all(meta.get(k) for k in (*keys, c.SIGNATURE_KEY)):
            continue
        seen = True
        if verify(key, {k: meta[k] for k in keys}, meta[c.SIGNATURE_KEY]):
            return True
    return False if seen else None


def _signed_files(ws: Workspace) -> Iterator[Path]:
    yield from sorted(ws.outbox.glob("*/templates/*.xlsx"))
    yield from sorted(ws.archive.glob("[0-9]*/*/*.xlsx"))


def _where_to_fix(ws: Workspace, found: OfficeKey) -> str:
    if found.source == KEY_ENV:
        return f"set {KEY_ENV} to the office's key, or unset it to use {ws.key_path}"
    return f"put the office's key back into {ws.key_path} from the backup, or set {KEY_ENV}"


def _wrong_key(ws: Workspace, found: OfficeKey, expected: str) -> str:
    return (
        f"the signing key in {found.source} (fingerprint {found.fingerprint}) is not the one "
        f"that signed this workspace's templates (fingerprint {expected}); "
        + _where_to_fix(ws, found)
    )


def _not_the_signer(ws: Workspace, found: OfficeKey) -> str:
    return (
        f"the signing key in {found.source} did not sign the templates already in {ws.root}; "
        + _where_to_fix(ws, found)
    )


def sign(key: bytes, fields: dict[str, str]) -> str:
    """HMAC-SHA256 over a canonical JSON of the identifying fields."""
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, blob.encode(), hashlib.sha256).hexdigest()


def verify(key: bytes, fields: dict[str, str], signature: str) -> bool:
    return hmac.compare_digest(sign(key, fields), signature.strip().lower())
