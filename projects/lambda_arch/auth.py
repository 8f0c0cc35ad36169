"""Cognito-style JWT auth, checked locally: RS256, key chosen by `kid` from a JWKS, issuer, token_use, client, expiry.

The checks follow Amazon Cognito's "Verifying JSON web tokens" guide: find the
signing key by the header `kid`; verify the RS256 signature; the `iss` claim must
be the user pool URL; `token_use` must be what the API accepts (access tokens);
an access token's `client_id` (an ID token's `aud`) must be the app client; `exp`
must be in the future. The key set is generated locally (no Cognito, no network)
and stored in a directory shared by `serve` and `token`.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

REGION = "eu-west-1"
USER_POOL_ID = f"{REGION}_PulseDev1"
CLIENT_ID = "pulse-dashboard-dev"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{USER_POOL_ID}"


class AuthError(Exception):
    """The token is not acceptable; the message says which check failed (logged, never sent to the client)."""


@dataclass(frozen=True)
class KeySet:
    """A signing key and the public JWKS that verifies it."""

    kid: str
    private_pem: bytes
    jwks: dict[str, Any]

    @classmethod
    def load_or_create(cls, directory: Path) -> KeySet:
        """Read `private.pem` + `jwks.json` from `directory`, generating a 2048-bit RSA key the first time."""
        directory.mkdir(parents=True, exist_ok=True)
        pem_path, jwks_path = directory / "private.pem", directory / "jwks.json"
        if not pem_path.exists():
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            kid = uuid.uuid4().hex
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            jwks_path.write_text(json.dumps({"keys": [jwk]}, indent=2))
            pem_path.touch(mode=0o600)
            pem_path.write_bytes(pem)
        jwks = json.loads(jwks_path.read_text())
        return cls(jwks["keys"][0]["kid"], pem_path.read_bytes(), jwks)


def mint(keys: KeySet, *, subject: str = "dev-user", ttl_s: int = 3600, token_use: str = "access",
         issuer: str = ISSUER, client_id: str = CLIENT_ID, now: float | None = None) -> str:
    """A token shaped like a Cognito user-pool token (access: `client_id`; id: `aud`)."""
    now = time.time() if now is None else now
    claims: dict[str, Any] = {"sub": subject, "iss": issuer, "token_use": token_use, "iat": int(now),
                              "auth_time": int(now), "exp": int(now) + ttl_s, "jti": uuid.uuid4().hex}
    if token_use == "access":
        claims.update(client_id=client_id, scope="pulse/metrics.read", username=subject)
    else:
        claims.update(aud=client_id, email=f"{subject}@example.com")
    return jwt.encode(claims, keys.private_pem, algorithm="RS256", headers={"kid": keys.kid})


class Verifier:
    """Validates access tokens for one user pool and app client against a JWKS."""

    def __init__(self, jwks: dict[str, Any], issuer: str = ISSUER, client_id: str = CLIENT_ID) -> None:
        self._keys = {k["kid"]: jwt.PyJWK(k) for k in jwks["keys"]}
        self.issuer, self.client_id = issuer, client_id

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a valid access token, else AuthError."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as err:
            raise AuthError(f"malformed token: {err}") from err
        key = self._keys.get(header.get("kid", ""))
        if key is None:
            raise AuthError("unknown kid")
        if header.get("alg") != "RS256":
            raise AuthError("alg must be RS256")
        try:
            claims = jwt.decode(token, key.key, algorithms=["RS256"], issuer=self.issuer,
                                options={"require": ["exp", "iss", "token_use"], "verify_aud": False})
        except jwt.PyJWTError as err:
            raise AuthError(str(err)) from err
        if claims["token_use"] != "access":
            raise AuthError(f"token_use is {claims['token_use']!r}, this API takes access tokens")
        if claims.get("client_id") != self.client_id:
            raise AuthError("client_id is not this app client")
        return claims
