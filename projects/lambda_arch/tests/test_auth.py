"""Token checks, one rejection reason per test: each must fail for its own reason, not a neighbour's."""
from __future__ import annotations

import base64
import json

import jwt
import pytest

from projects.lambda_arch.auth import CLIENT_ID, ISSUER, AuthError, KeySet, Verifier, mint


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> KeySet:
    return KeySet.load_or_create(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def verifier(keys) -> Verifier:
    return Verifier(keys.jwks)


def _b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def tampered(token: str) -> str:
    """Same header and signature, payload edited to another user."""
    header, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "admin"
    return f"{header}.{_b64(claims)}.{sig}"


def test_valid_access_token(keys, verifier) -> None:
    claims = verifier.verify(mint(keys, subject="ana"))
    assert (claims["sub"], claims["iss"], claims["client_id"], claims["token_use"]) == ("ana", ISSUER, CLIENT_ID,
                                                                                          "access")


def test_key_set_is_reused_not_regenerated(tmp_path) -> None:
    first, again = KeySet.load_or_create(tmp_path), KeySet.load_or_create(tmp_path)
    assert again.kid == first.kid and again.private_pem == first.private_pem
    assert Verifier(again.jwks).verify(mint(first))["sub"] == "dev-user"
    assert (tmp_path / "private.pem").stat().st_mode & 0o077 == 0    # the private key is not world-readable


@pytest.mark.parametrize("make, reason", [
    (lambda k: mint(k, ttl_s=-1), "expired"),
    (lambda k: mint(k, issuer="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other"), "issuer"),
    (lambda k: mint(k, token_use="id"), "token_use"),
    (lambda k: mint(k, client_id="someone-else"), "client_id"),
    (lambda k: tampered(mint(k)), "Signature verification failed"),
    (lambda k: jwt.encode({"sub": "x"}, k.private_pem, algorithm="RS256", headers={"kid": "nope"}), "unknown kid"),
    (lambda k: f"{_b64({'alg': 'none', 'kid': k.kid})}.{_b64({'sub': 'x', 'iss': ISSUER})}.", "RS256"),
    (lambda k: "not-a-jwt", "malformed"),
])
def test_rejections(keys, verifier, make, reason) -> None:
    with pytest.raises(AuthError, match=reason):
        verifier.verify(make(keys))


def test_token_signed_by_another_key_set_is_rejected(verifier, tmp_path) -> None:
    other = KeySet.load_or_create(tmp_path)
    with pytest.raises(AuthError, match="unknown kid"):
        verifier.verify(mint(other))
