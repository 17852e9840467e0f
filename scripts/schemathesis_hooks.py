"""Schemathesis hooks for Enlace.

The sync batch is binary (docs/JOURNAL-FORMAT.md), sent as raw bytes like
application/octet-stream so that generated and mutated bodies reach the server.

With ENLACE_SIGNING_KEY (a node's key file) and ENLACE_SIGNING_NODE (its id), every request is
signed as the node's sync engine signs it (`Enlace-Signature`: method, path with its query, time,
a fresh nonce and the body's SHA-256, under the node's Ed25519 key), so the sync paths are
fuzzed past authentication, down to their decoders.
"""
import hashlib
import os
import secrets
import time

import requests
import requests.auth
import schemathesis

schemathesis.serializer.alias("application/vnd.enlace.batch", "application/octet-stream")

_KEY_FILE = os.environ.get("ENLACE_SIGNING_KEY")
_NODE = os.environ.get("ENLACE_SIGNING_NODE")
_SIGNER = None
if _KEY_FILE and _NODE:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    with open(_KEY_FILE, encoding="utf-8") as key_file:
        for line in key_file:
            kind, _, value = line.strip().partition(" ")
            if kind == "ed25519":
                _SIGNER = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(value))
    if _SIGNER is None:
        raise SystemExit(f"schemathesis hooks: {_KEY_FILE} holds no Ed25519 key")


class _Signature(requests.auth.AuthBase):
    """Signs a request once `requests` has prepared it: the path with its query and the body are
    then exactly what is sent."""

    def __call__(self, prepared):
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        method = prepared.method.upper()
        timestamp = int(time.time() * 1000)
        nonce = secrets.token_hex(16)
        message = "enlace-request-v1\n{}\n{}\n{}\n{}\n{}".format(
            method, prepared.path_url, timestamp, nonce, hashlib.sha256(b"" if method == "GET" else body).hexdigest()
        ).encode("utf-8")
        signature = _SIGNER.sign(message).hex()
        prepared.headers["Enlace-Signature"] = f"node={_NODE}, ts={timestamp}, nonce={nonce}, sig={signature}"
        return prepared


@schemathesis.hook
def before_call(context, case, kwargs):
    """Asks `requests` to sign each request as the node's sync engine does."""
    if _SIGNER is not None:
        kwargs["auth"] = _Signature()
