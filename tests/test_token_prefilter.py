"""The literal prefilter of ``find_token`` must let through every credential format it knows."""

from __future__ import annotations

import pytest
from linter.rules._secrets import TOKEN_FORMATS, find_token

# One realistic-looking sample per format (made up: none of them is a live credential).
SAMPLES = [
    "AKIA" + "Q7ZT4MN2RB6XW3KD",
    "ASIA" + "J5NC2TW7ZQ4MX6RB",
    "ghp_" + "k3Jd9sLq2Xw8Rt5Yb7Nm1Vc4Hz6Pf0Ga3Ue8",
    "github_pat_" + "11ABCDEFG0" + "k3Jd9sLq2Xw8Rt5Yb7Nm1Vc4Hz6Pf0Ga3Ue8_aa1bb2cc3dd4ee5ff6",
    "glpat-" + "x8Kd2Lq9Zr4Tw7Yb1Nm3",
    "npm_" + "k3Jd9sLq2Xw8Rt5Yb7Nm1Vc4Hz6Pf0Ga3Ue8",
    "xoxb-" + "1234567890-abcdefghij",
    "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "rk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
    "sk-" + "proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z7B",
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_each_sample_is_found(sample: str) -> None:
    assert find_token(f"curl -H 'Authorization: {sample}' https://api.acme.io") is not None


def test_every_format_has_a_sample() -> None:
    """A new format without a sample here fails: add one, and check the prefilter lets it in."""
    covered = {label for label, pattern in TOKEN_FORMATS for s in SAMPLES if pattern.search(s)}
    assert covered == {label for label, _ in TOKEN_FORMATS}


def test_ordinary_words_are_not_tokens() -> None:
    for word in ("apt-get", "install", "--no-install-recommends", "ca-certificates", "skip-"):
        assert find_token(word) is None
