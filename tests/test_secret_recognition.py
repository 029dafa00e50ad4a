"""How a credential is recognised (``rules/_secrets.py``): names that hold one, literal values,
token formats, passwords in connection URLs.
"""

from __future__ import annotations

import pytest
from linter.rules._secrets import literal_secret_value, secret_key, token_format, url_password


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("POSTGRES_PASSWORD", True),
        ("GITHUB_TOKEN", True),
        ("DJANGO_SECRET_KEY", True),
        ("SMTP_PASS", True),
        ("SENTRY_DSN", True),
        ("POSTGRES_PASSWORD_FILE", False),
        ("TOKEN_TTL", False),
        ("MYSQL_ALLOW_EMPTY_PASSWORD", False),
        ("PASSWORD_MIN_LENGTH", False),
        ("PASSPORT_CLIENT_ID", False),
        ("POSTGRES_USER", False),
        ("OAUTH_TOKEN_URL", False),
    ],
)
def test_secret_key_names(key: str, expected: bool) -> None:
    assert secret_key(key) is expected


def test_secret_values_and_formats() -> None:
    assert literal_secret_value("hunter2")
    assert not literal_secret_value("true")
    assert not literal_secret_value("3600")
    assert not literal_secret_value("/run/secrets/db")
    assert token_format("ghp_" + "a" * 36) == "a GitHub token"
    assert token_format("AKIA" + "A" * 16) == "an AWS access key id"
    assert token_format("-----BEGIN RSA PRIVATE KEY-----\nabc") == "a private key"
    assert token_format("changeme") is None


def test_url_password_positions() -> None:
    text = "postgres://app:s3cret@db:5432/app"
    found = url_password(text)
    assert found is not None
    scheme, start, end = found
    assert (scheme, text[start:end]) == ("postgres", "s3cret")
    assert url_password("amqp://rabbitmq:5672/") is None
    assert url_password("https://user@host/") is None
