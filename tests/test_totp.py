"""The TOTP verifier: RFC 6238 vectors, strict format, drift window, replay, back-off."""

from __future__ import annotations

import base64

import pyotp
import pytest

from twofa_fsm import Policy, TotpVerifier, code_format_problem, provisioning_uri
from twofa_fsm.totp import backoff_seconds

SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890" * 6 + b"1234",
}
VECTORS = [  # RFC 6238 Appendix B: time, SHA1, SHA256, SHA512
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize("row", VECTORS, ids=[str(v[0]) for v in VECTORS])
@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha512"])
def test_rfc6238_vectors(row: tuple[int, str, str, str], algorithm: str) -> None:
    when = row[0]
    expected = row[1 + ["sha1", "sha256", "sha512"].index(algorithm)]
    secret = base64.b32encode(SEEDS[algorithm]).decode()
    verifier = TotpVerifier(Policy(digits=8, algorithm=algorithm, period=30, drift_window=0))  # type: ignore[arg-type]
    assert verifier.code_at(secret, when) == expected
    check = verifier.verify(secret, expected, when, None)
    assert check.ok and check.step == when // 30


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha512"])
@pytest.mark.parametrize("digits", [6, 8, 10])
def test_codes_agree_with_pyotp_on_fresh_secrets(algorithm: str, digits: int) -> None:
    """The verifier computes codes itself (RFC 6238); on 200 fresh secrets and times per setting, every code
    is pyotp's, secrets of any base32 length (padded or not) included."""
    import hashlib
    import random

    rng = random.Random(f"{algorithm}{digits}")
    policy = Policy(digits=digits, algorithm=algorithm, period=30, drift_window=1)  # type: ignore[arg-type]
    verifier = TotpVerifier(policy)
    for _ in range(200):
        secret = base64.b32encode(rng.randbytes(rng.choice((20, 21, 32, 33, 64)))).decode().rstrip("=")
        when = rng.uniform(0, 4e9)
        reference = pyotp.TOTP(secret, digits=digits, interval=30, digest=getattr(hashlib, algorithm))
        assert verifier.code_at(secret, when) == reference.at(when)
        assert verifier.verify(secret, reference.at(when - 30), when, None).ok  # one step back: in the window


def test_sha1_seed_matches_reference_base32() -> None:
    assert base64.b32encode(SEEDS["sha1"]).decode() == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_700_000_010.0
GOOD = pyotp.TOTP(SECRET).at(NOW)
FULLWIDTH = "".join(chr(0xFF10 + int(c)) for c in GOOD)
SUPERSCRIPT = GOOD.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
ARABIC_INDIC = "".join(chr(0x0660 + int(c)) for c in GOOD)
EXTENDED_ARABIC = "".join(chr(0x06F0 + int(c)) for c in GOOD)
DEVANAGARI = "".join(chr(0x0966 + int(c)) for c in GOOD)
MATH_BOLD = "".join(chr(0x1D7CE + int(c)) for c in GOOD)

HOSTILE: list[tuple[object, str]] = [
    (FULLWIDTH, "non-ASCII"),
    (SUPERSCRIPT, "non-ASCII"),
    (ARABIC_INDIC, "non-ASCII"),
    (EXTENDED_ARABIC, "non-ASCII"),
    (DEVANAGARI, "non-ASCII"),
    (MATH_BOLD, "non-ASCII"),
    (" " + GOOD, "spaces"),
    (GOOD + " ", "spaces"),
    (GOOD + "\n", "spaces"),
    ("\t" + GOOD, "spaces"),
    (GOOD[:3] + " " + GOOD[3:], "spaces"),
    (GOOD[:3] + "_" + GOOD[3:], "other than 0-9"),
    (GOOD[:3] + "-" + GOOD[3:], "other than 0-9"),
    ("+" + GOOD[1:], "other than 0-9"),
    ("-" + GOOD[1:], "other than 0-9"),
    (GOOD[:5], "has 5 digits"),
    (GOOD + "0", "has 7 digits"),
    ("", "has 0 digits"),
    ("0" * 64, "has 64 digits"),
    ("1" * 100_000, "far too long"),
    (None, "not a string (got NoneType)"),
    (int(GOOD), "not a string (got int)"),
    (float(GOOD), "not a string (got float)"),
    (GOOD.encode(), "not a string (got bytes)"),
    ([GOOD], "not a string (got list)"),
    ("12e456", "other than 0-9"),
    ("0x1234", "other than 0-9"),
    ("abcdef", "other than 0-9"),
    ("12345\x00", "other than 0-9"),
    ("١٢٣٤٥٦", "non-ASCII"),
    (GOOD[:5] + "\u200b", "non-ASCII"),
    ("\u00a0" + GOOD[:5], "non-ASCII"),
    ("①②③④⑤⑥", "non-ASCII"),
    (True, "not a string (got bool)"),
]


def test_at_least_thirty_hostile_codes() -> None:
    assert len(HOSTILE) >= 30


def test_pyotp_itself_accepts_lookalikes() -> None:
    """Why the pre-check matters: pyotp NFKC-normalises and accepts full-width digits."""
    assert pyotp.TOTP(SECRET).verify(FULLWIDTH, for_time=NOW)


@pytest.mark.parametrize("code,reason", HOSTILE, ids=[f"h{i}" for i in range(len(HOSTILE))])
def test_hostile_code_rejected_before_pyotp(code: object, reason: str) -> None:
    problem = code_format_problem(code, 6)
    assert problem is not None and reason in problem
    check = TotpVerifier(Policy()).verify(SECRET, code, NOW, None)
    assert not check.ok and check.reason.startswith("malformed code: ")
    assert check.counts == isinstance(code, str)
    if isinstance(code, str) and code.strip():
        assert code.strip() not in check.reason  # a reason never echoes the code


def test_good_code_passes_format() -> None:
    assert code_format_problem(GOOD, 6) is None
    assert TotpVerifier(Policy()).verify(SECRET, GOOD, NOW, None).ok


@pytest.mark.parametrize("offset,ok", [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_drift_window_edges(offset: int, ok: bool) -> None:
    verifier = TotpVerifier(Policy(drift_window=1))
    code = pyotp.TOTP(SECRET).at(NOW + 30 * offset)
    check = verifier.verify(SECRET, code, NOW, None)
    assert check.ok is ok
    if ok:
        assert check.step == int(NOW // 30) + offset


def test_window_zero_accepts_only_now() -> None:
    verifier = TotpVerifier(Policy(drift_window=0))
    assert verifier.verify(SECRET, pyotp.TOTP(SECRET).at(NOW), NOW, None).ok
    assert not verifier.verify(SECRET, pyotp.TOTP(SECRET).at(NOW - 30), NOW, None).ok


def test_replay_and_older_steps_rejected() -> None:
    verifier = TotpVerifier(Policy())
    first = verifier.verify(SECRET, GOOD, NOW, None)
    assert first.ok and first.step is not None
    again = verifier.verify(SECRET, GOOD, NOW + 5, first.step)
    assert not again.ok and "replayed" in again.reason and again.counts
    older = pyotp.TOTP(SECRET).at(NOW - 30)
    assert not verifier.verify(SECRET, older, NOW, first.step).ok
    newer = pyotp.TOTP(SECRET).at(NOW + 30)
    assert verifier.verify(SECRET, newer, NOW + 30, first.step).ok


def test_wrong_code_counts() -> None:
    wrong = f"{(int(GOOD) + 1) % 1_000_000:06d}"
    check = TotpVerifier(Policy(drift_window=0)).verify(SECRET, wrong, NOW, None)
    assert not check.ok and check.counts and "wrong code" in check.reason


def test_backoff_grows_and_caps() -> None:
    policy = Policy(backoff_base_seconds=1, backoff_max_seconds=300)
    waits = [backoff_seconds(policy, n) for n in range(0, 12)]
    assert waits[0] == 0 and waits[1] == 1 and waits[2] == 2 and waits[5] == 16
    assert waits[-1] == 300 and waits == sorted(waits)
    assert backoff_seconds(policy, 10_000) == 300


def test_provisioning_uri_round_trip() -> None:
    uri = provisioning_uri(SECRET, "alice@example.com", Policy(issuer="Acme Corp"))
    assert uri.startswith("otpauth://totp/Acme%20Corp:alice%40example.com?")
    parsed = pyotp.parse_uri(uri)
    assert parsed.secret == SECRET and parsed.issuer == "Acme Corp" and parsed.name == "alice@example.com"


@pytest.mark.parametrize("account", ["a:b", "", "x\ny"])
def test_provisioning_uri_refuses_bad_account(account: str) -> None:
    with pytest.raises(ValueError, match="cannot go in an otpauth URI"):
        provisioning_uri(SECRET, account, Policy())


def test_policy_refuses_colon_in_issuer_and_weak_secrets() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Policy(issuer="a:b")
    with pytest.raises(ValidationError):
        Policy(secret_length=16)
    with pytest.raises(ValidationError):
        Policy(max_failures=101)
