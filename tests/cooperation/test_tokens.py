"""API tokens: shown once, stored only as an HMAC, refused once revoked or expired,
compared in constant time; authentication gives the user's roles and groups."""

from __future__ import annotations

import hmac
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from corridor.atlas import Atlas
from corridor.cooperation.models import AuthenticationError, PermissionDeniedError, Role
from corridor.cooperation.services import (
    authenticate,
    create_user,
    issue_token,
    list_tokens,
    revoke_token,
)
from corridor.cooperation.tokens import server_secret, token_digest
from tests.cooperation.conftest import ADMIN

SECRET = b"k" * 64
NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def alice(platform: Engine) -> str:
    create_user(platform, ADMIN, "alice", organization="ir-police", roles=["reporter"])
    return "alice"


def _dump(store: Engine) -> str:
    """Every value of every table, as text: where a token might hide."""
    from corridor.store.tables import metadata

    found = []
    with store.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(text(f"SELECT * FROM {table.name}")):
                found.extend(str(v) for v in row)
    return "\n".join(found)


def test_the_plain_token_is_nowhere_in_the_database(platform: Engine, alice: str) -> None:
    issued = issue_token(platform, ADMIN, alice, secret=SECRET, now=NOW)
    assert issued.secret.startswith("cst_") and issued.token.id in issued.secret
    dump = _dump(platform)
    assert issued.secret not in dump
    assert issued.secret.split("_", 2)[2] not in dump  # nor its secret part alone
    assert token_digest(issued.secret, SECRET) in dump  # only its keyed hash


def test_a_token_opens_as_its_user_with_roles_and_groups(
    platform: Engine, atlas: Atlas, alice: str
) -> None:
    issued = issue_token(platform, ADMIN, alice, secret=SECRET, now=NOW)
    who = authenticate(platform, issued.secret, secret=SECRET, now=NOW, atlas=atlas)
    assert (who.organization, who.user, who.roles) == ("ir-police", "alice", {Role.REPORTER})
    assert who.viewer.groups == {"sco"}  # Iran, in 2024
    then = authenticate(platform, issued.secret, secret=SECRET, now=NOW, on=date(2022, 1, 1),
                        atlas=atlas)  # fmt: skip
    assert then.viewer.groups == frozenset()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character off
        lambda t: "cst_000000000000_" + t.split("_", 2)[2],  # unknown id
        lambda t: "Bearer " + t,
        lambda t: "",
    ],
)
def test_a_wrong_token_is_refused_with_one_message(platform: Engine, alice: str, tamper) -> None:  # type: ignore[no-untyped-def]
    issued = issue_token(platform, ADMIN, alice, secret=SECRET, now=NOW)
    with pytest.raises(AuthenticationError, match=r"^invalid, revoked or expired token$"):
        authenticate(platform, tamper(issued.secret), secret=SECRET, now=NOW)


def test_another_server_secret_opens_nothing(platform: Engine, alice: str) -> None:
    issued = issue_token(platform, ADMIN, alice, secret=SECRET, now=NOW)
    with pytest.raises(AuthenticationError):
        authenticate(platform, issued.secret, secret=b"x" * 64, now=NOW)


def test_revoked_and_expired_tokens_are_refused(platform: Engine, alice: str) -> None:
    short = issue_token(platform, ADMIN, alice, secret=SECRET, now=NOW, expires_in_days=1)
    authenticate(platform, short.secret, secret=SECRET, now=NOW + timedelta(hours=23))
    with pytest.raises(AuthenticationError):
        authenticate(platform, short.secret, secret=SECRET, now=NOW + timedelta(days=1))
    revoked = issue_token(platform, ADMIN, alice, secret=SECRET, now=NOW)
    revoke_token(platform, ADMIN, revoked.token.id, now=NOW)
    with pytest.raises(AuthenticationError):
        authenticate(platform, revoked.secret, secret=SECRET, now=NOW)
    states = {t.id: t.state(NOW.replace(tzinfo=None)).value for t in list_tokens(platform, ADMIN)}
    assert states == {short.token.id: "active", revoked.token.id: "revoked"}


def test_tokens_are_compared_in_constant_time(
    platform: Engine, alice: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = issue_token(platform, ADMIN, alice, secret=SECRET, now=NOW)
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    authenticate(platform, issued.secret, secret=SECRET, now=NOW)
    with pytest.raises(AuthenticationError):
        authenticate(platform, "cst_ffffffffffff_nothing", secret=SECRET, now=NOW)
    assert len(calls) == 2  # a miss hashes and compares too: its timing says nothing


def test_users_manage_their_own_tokens_and_no_one_else_s(platform: Engine, alice: str) -> None:
    from corridor.cooperation.models import Principal
    from corridor.events.access import Viewer

    create_user(platform, ADMIN, "bob", organization="kz-mvd", roles=["viewer"])
    as_alice = Principal(Viewer("ir-police", user="alice"), frozenset({Role.REPORTER}))
    mine = issue_token(platform, as_alice, "alice", secret=SECRET, now=NOW)
    with pytest.raises(PermissionDeniedError):
        issue_token(platform, as_alice, "bob", secret=SECRET, now=NOW)
    assert [t.id for t in list_tokens(platform, as_alice)] == [mine.token.id]
    with pytest.raises(PermissionDeniedError):
        create_user(platform, as_alice, "eve", organization="ir-police", roles=["viewer"])


def test_the_server_secret_file_is_made_once_and_private(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "token-secret"
    with pytest.raises(Exception, match="no token secret"):
        server_secret(None, path)
    made = server_secret(None, path, create=True)
    assert server_secret(None, path) == made and len(made) == 64
    assert path.stat().st_mode & 0o777 == 0o600
    assert server_secret("s" * 40, path) == b"s" * 40


# --------------------------------------------------------------------------- a server's memory


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_remembered_token_revoked_in_this_process_is_refused_at_once(
    platform: Engine, atlas: Atlas, alice: str
) -> None:
    from corridor.cooperation.identity import PrincipalCache

    cache = PrincipalCache(ttl_s=3600)
    issued = issue_token(platform, ADMIN, alice, secret=SECRET)
    who = cache.authenticate(platform, issued.secret, secret=SECRET, atlas=atlas)
    assert cache.remembered(issued.secret, secret=SECRET) == who
    revoke_token(platform, ADMIN, issued.token.id)
    assert cache.remembered(issued.secret, secret=SECRET) is None
    with pytest.raises(AuthenticationError):
        cache.authenticate(platform, issued.secret, secret=SECRET, atlas=atlas)


def test_a_revocation_by_another_process_takes_effect_within_the_ttl(
    platform: Engine, atlas: Atlas, alice: str
) -> None:
    from corridor.cooperation.identity import PrincipalCache
    from corridor.store.parties import revoke_token as mark_revoked

    clock = _Clock()
    cache = PrincipalCache(ttl_s=5, clock=clock)
    issued = issue_token(platform, ADMIN, alice, secret=SECRET)
    who = cache.authenticate(platform, issued.secret, secret=SECRET, atlas=atlas)
    with platform.begin() as connection:  # what `corridor admin token revoke` does elsewhere
        mark_revoked(connection, issued.token.id, datetime.now(UTC).replace(tzinfo=None))
    clock.now = 4.9
    assert cache.authenticate(platform, issued.secret, secret=SECRET, atlas=atlas) == who
    clock.now = 5.0
    with pytest.raises(AuthenticationError):
        cache.authenticate(platform, issued.secret, secret=SECRET, atlas=atlas)


def test_a_remembered_token_is_refused_from_its_expiry_and_failures_are_not_kept(
    platform: Engine, atlas: Atlas, alice: str
) -> None:
    from corridor.cooperation.identity import PrincipalCache

    cache = PrincipalCache(ttl_s=3600)
    issued = issue_token(platform, ADMIN, alice, secret=SECRET, expires_in_days=1, now=NOW)
    seen = NOW + timedelta(hours=20)  # the next morning; it expires at noon
    cache.authenticate(platform, issued.secret, secret=SECRET, now=seen, atlas=atlas)
    later = NOW + timedelta(hours=23)
    assert cache.remembered(issued.secret, secret=SECRET, now=later) is not None
    assert cache.remembered(issued.secret, secret=SECRET, now=NOW + timedelta(days=1)) is None
    wrong = issued.secret[:-2] + ("aa" if not issued.secret.endswith("aa") else "bb")
    with pytest.raises(AuthenticationError):
        cache.authenticate(platform, wrong, secret=SECRET, now=NOW, atlas=atlas)
    assert cache.remembered(wrong, secret=SECRET, now=NOW) is None


def test_a_remembered_principal_is_worked_out_again_on_a_new_day(
    platform: Engine, atlas: Atlas, alice: str
) -> None:
    """Mechanism groups follow the calendar: a principal is never carried past its day."""
    from corridor.cooperation.identity import PrincipalCache

    cache = PrincipalCache(ttl_s=10 * 86400)
    issued = issue_token(platform, ADMIN, alice, secret=SECRET, now=NOW)
    cache.authenticate(platform, issued.secret, secret=SECRET, now=NOW, atlas=atlas)
    tomorrow = NOW + timedelta(days=1)
    assert cache.remembered(issued.secret, secret=SECRET, now=tomorrow) is None
