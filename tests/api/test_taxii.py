"""TAXII 2.1: the official OASIS client against a real uvicorn server on 127.0.0.1, and
the collection pages themselves (cursors, added_after, type filter, what is hidden).

The platform is tests/cooperation's: kz-mvd (the caller) is in the SCO and CSTO groups
(Kazakhstan is a member state of both), 'pipeline-pair' and the confidential 'quiet';
not in 'nobody' (empty) nor 'cn-ir' (China's and Iran's police only)."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime

import pytest
import requests
import stix2
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from taxii2client.v21 import Server, as_pages

from corridor.api import create_app
from corridor.atlas import Atlas
from corridor.cooperation.models import Principal, Role
from corridor.cooperation.services import (
    add_group_members,
    authenticate,
    create_group,
    create_user,
    issue_token,
    share_incident,
)
from corridor.cooperation.taxii import (
    MATCH_FIELDS,
    SHARED_WITH_ME,
    TAXII_MEDIA_TYPE,
    ObjectMatch,
    UnknownCollectionError,
    collections_for,
    objects_page,
)
from corridor.errors import InputError
from corridor.events.access import Viewer
from corridor.events.model import Incident, Tlp
from tests.cooperation.conftest import ADMIN, build_platform, incident, store_incidents
from tests.server import serving

SECRET = b"taxii-test-secret-0123456789abcdef"
OWNER = "cn-mps"
CALLER = "kz-mvd"


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def _records() -> list[Incident]:
    """What kz-mvd may read (``seen/...``) and what it may not (``hidden/...``)."""
    seen = [incident(f"seen/sco-{n}", Tlp.AMBER, OWNER) for n in range(6)]
    seen += [
        incident("seen/green", Tlp.GREEN, "tr-police", actors=("Group A", "Group B")),
        incident("seen/clear", Tlp.CLEAR, "ir-police", longitude=None, latitude=None),
        incident("seen/own-red", Tlp.RED, CALLER),
        incident("seen/pair-red", Tlp.RED, "uz-mvd"),
    ]
    hidden = [
        incident("hidden/cn-ir", Tlp.AMBER, OWNER),
        incident("hidden/nobody", Tlp.AMBER, OWNER),
        incident("hidden/unshared", Tlp.AMBER_STRICT, OWNER),
        incident("hidden/tr-red", Tlp.RED, "tr-police"),
    ]
    return seen + hidden


SHARES = {
    **{f"seen/sco-{n}": ["sco"] for n in range(6)},
    "seen/green": ["sco"],
    "seen/pair-red": ["pipeline-pair"],
    "hidden/cn-ir": ["cn-ir"],
    "hidden/nobody": ["nobody"],
}


@pytest.fixture
def taxii_store(store: Engine, atlas: Atlas) -> Engine:
    build_platform(store, atlas)
    create_group(store, ADMIN, "cn-ir", name="cn-ir", owner=OWNER, atlas=atlas)
    add_group_members(store, ADMIN, "cn-ir", ["cn-mps", "ir-police"])
    records = _records()
    store_incidents(store, *records)
    by_id = {r.source_id: r for r in records}
    for source_id, groups in SHARES.items():
        share_incident(store, ADMIN, str(by_id[source_id].uuid), groups,
                       on=datetime.now().date(), atlas=atlas)  # fmt: skip
    create_user(store, ADMIN, "aliya", organization=CALLER, roles=["analyst"])
    return store


@pytest.fixture
def token(taxii_store: Engine) -> str:
    return issue_token(taxii_store, ADMIN, "aliya", secret=SECRET).secret


@pytest.fixture
def caller(taxii_store: Engine, token: str, atlas: Atlas) -> Principal:
    return authenticate(taxii_store, token, secret=SECRET, atlas=atlas)


def _app(store: Engine, atlas: Atlas) -> FastAPI:
    """The real API on the test's store: TAXII under /taxii2/ with the app's own tokens."""
    del atlas  # the app loads the bundled atlas itself
    return create_app(store.url.render_as_string(hide_password=False), token_secret=SECRET)


def _incident_names(objects: list[dict[str, object]]) -> set[str]:
    return {str(obj["name"]).removeprefix("pipeline sabotage ") for obj in objects
            if obj["type"] == "incident"}  # fmt: skip


def _all_objects(collection: object, per_request: int) -> tuple[list[dict[str, object]], int]:
    pages = list(as_pages(collection.get_objects, per_request=per_request))  # type: ignore[attr-defined]
    for page in pages[:-1]:
        assert page["more"] is True and len(page["objects"]) == per_request
    assert pages[-1]["more"] is False
    return [obj for page in pages for obj in page.get("objects", [])], len(pages)


def test_taxii2_client_reads_only_what_the_caller_may_see(
    taxii_store: Engine, token: str, atlas: Atlas
) -> None:
    with serving(_app(taxii_store, atlas)) as base:
        anonymous = requests.get(f"{base}/taxii2/", timeout=10)
        assert anonymous.status_code == 401
        bad = requests.get(f"{base}/taxii2/", auth=_Bearer("cst_not-a-token"), timeout=10)
        assert bad.status_code == 401

        server = Server(f"{base}/taxii2/", auth=_Bearer(token))
        assert server.title == "Secure Corridor TAXII server"
        root = server.default
        assert root is not None and root.versions == [TAXII_MEDIA_TYPE]
        by_title = {c.title: c for c in root.collections}
        assert set(by_title) == {
            "Shared with me",
            "Sharing group: sco",
            "Sharing group: csto",
            "Sharing group: pipeline-pair",
            "Sharing group: quiet",
        }

        everything, pages = _all_objects(by_title["Shared with me"], per_request=5)
        assert pages >= 4
        assert _incident_names(everything) == {r.source_id for r in _records()
                                               if r.source_id.startswith("seen/")}  # fmt: skip
        ids = [str(obj["id"]) for obj in everything]
        assert len(ids) == len(set(ids))
        for obj in everything:
            stix2.parse(obj, allow_custom=False)
        kinds = {str(obj["type"]) for obj in everything}
        assert {"identity", "extension-definition", "marking-definition", "incident",
                "location", "relationship", "threat-actor"} <= kinds  # fmt: skip

        sco, _ = _all_objects(by_title["Sharing group: sco"], per_request=4)
        expected = {f"seen/sco-{n}" for n in range(6)} | {"seen/green"}
        assert _incident_names(sco) == expected
        pair, _ = _all_objects(by_title["Sharing group: pipeline-pair"], per_request=100)
        assert _incident_names(pair) == {"seen/pair-red"}
        quiet, _ = _all_objects(by_title["Sharing group: quiet"], per_request=3)
        assert quiet == []

        # Someone else's collection does not exist for the caller, nor a made-up one.
        others = _cn_mps_collections(taxii_store)
        assert others["Sharing group: cn-ir"] not in {c.id for c in root.collections}
        for collection_id in (others["Sharing group: cn-ir"], "no-such-collection"):
            for tail in ("", "objects/"):
                url = f"{base}/taxii2/api/collections/{collection_id}/{tail}"
                answer = requests.get(url, auth=_Bearer(token), timeout=10)
                assert answer.status_code == 404
                assert answer.headers["content-type"] == TAXII_MEDIA_TYPE
                assert "cn-ir" not in answer.text


def _cn_mps_collections(store: Engine) -> dict[str, str]:
    reader = Principal(Viewer(OWNER, frozenset({"sco", "cn-ir"})), frozenset({Role.ANALYST}))
    return {c.title: c.id for c in collections_for(store, reader)}


def test_pages_carry_taxii_headers_and_added_after_returns_what_changed(
    taxii_store: Engine, token: str, atlas: Atlas
) -> None:
    with serving(_app(taxii_store, atlas)) as base:
        url = f"{base}/taxii2/api/collections/{SHARED_WITH_ME}/objects/"
        auth = _Bearer(token)
        first = requests.get(url, params={"limit": 4}, auth=auth, timeout=10)
        assert first.status_code == 200
        assert first.headers["content-type"] == TAXII_MEDIA_TYPE
        body = first.json()
        assert body["more"] is True and len(body["objects"]) == 4
        assert first.headers["X-TAXII-Date-Added-First"].endswith("Z")
        whole = requests.get(url, params={"limit": 1000}, auth=auth, timeout=10)
        last = whole.headers["X-TAXII-Date-Added-Last"]
        assert whole.json()["more"] is False and "next" not in whole.json()

        nothing = requests.get(url, params={"added_after": last}, auth=auth, timeout=10)
        assert nothing.status_code == 200 and "objects" not in nothing.json()
        assert "X-TAXII-Date-Added-First" not in nothing.headers

        changed = dataclasses.replace(
            next(r for r in _records() if r.source_id == "seen/sco-3"), severity=5
        )
        store_incidents(taxii_store, changed)
        fresh = requests.get(url, params={"added_after": last}, auth=auth, timeout=10).json()
        assert _incident_names(fresh["objects"]) == {"seen/sco-3"}
        assert {o["type"] for o in fresh["objects"]} == {"incident", "location", "relationship"}

        wrong = requests.get(url, params={"next": "garbage"}, auth=auth, timeout=10)
        assert wrong.status_code == 400 and "next" in wrong.json()["description"]
        when = requests.get(url, params={"added_after": "yesterday"}, auth=auth, timeout=10)
        assert when.status_code == 400 and "added_after" in when.json()["description"]
        v20 = requests.get(url, auth=auth, timeout=10,
                           headers={"Accept": "application/taxii+json;version=2.0"})  # fmt: skip
        assert v20.status_code == 406


def _pages(store: Engine, principal: Principal, collection: str, limit: int,
           cursor: str | None = None, **filters: object) -> list[dict[str, object]]:  # fmt: skip
    """Every object from ``cursor`` on, checking each page is full while more follow."""
    found: list[dict[str, object]] = []
    for _ in range(1000):
        page = objects_page(store, principal, collection, limit=limit, next=cursor, **filters)  # type: ignore[arg-type]
        assert len(page.objects) == limit or not page.more
        found += page.objects
        if not page.more:
            return found
        cursor = page.next
    raise AssertionError("the pages never end")


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 1000])
def test_every_page_size_gives_the_same_objects(
    taxii_store: Engine, caller: Principal, limit: int
) -> None:
    assert _pages(taxii_store, caller, SHARED_WITH_ME, limit) == _pages(
        taxii_store, caller, SHARED_WITH_ME, 1000
    )
    kinds = ObjectMatch(types=frozenset({"threat-actor", "location"}))
    only = _pages(taxii_store, caller, SHARED_WITH_ME, limit, match=kinds)
    assert {o["type"] for o in only} == {"threat-actor", "location"}
    assert sum(o["type"] == "threat-actor" for o in only) == 2
    some = ObjectMatch(ids=frozenset(str(o["id"]) for o in only[::2]))
    assert _pages(taxii_store, caller, SHARED_WITH_ME, limit, match=some) == only[::2]


def test_sharing_an_old_incident_reaches_the_group_collection_as_new(
    taxii_store: Engine, caller: Principal, atlas: Atlas
) -> None:
    """A client that pulled after the incident was stored still gets it once shared."""
    group = {c.group: c.id for c in collections_for(taxii_store, caller)}["pipeline-pair"]
    unshared = next(r for r in _records() if r.source_id == "hidden/unshared")
    late = dataclasses.replace(unshared, source_id="late/pair", title="pipeline sabotage late/pair",
                               reporter="uz-mvd")  # fmt: skip
    store_incidents(taxii_store, late)
    time.sleep(0.01)
    pulled = datetime.now(UTC)
    assert objects_page(taxii_store, caller, group, added_after=pulled).objects == []
    time.sleep(0.01)
    share_incident(taxii_store, ADMIN, str(late.uuid), ["pipeline-pair"],
                   on=datetime.now().date(), atlas=atlas)  # fmt: skip
    fresh = objects_page(taxii_store, caller, group, added_after=pulled)
    assert _incident_names(fresh.objects) == {"late/pair"}
    assert fresh.date_added_first is not None
    assert fresh.date_added_first > pulled.replace(tzinfo=None)
    everything = objects_page(taxii_store, caller, SHARED_WITH_ME, added_after=pulled)
    assert _incident_names(everything.objects) == {"late/pair"}


def test_a_cursor_survives_an_update_behind_it(taxii_store: Engine, caller: Principal) -> None:
    """An incident updated between two pages moves to the end; nothing else is lost."""
    first = objects_page(taxii_store, caller, SHARED_WITH_ME, limit=9)
    mover = dataclasses.replace(
        next(r for r in _records() if r.source_id == "seen/sco-5"), severity=5
    )
    store_incidents(taxii_store, mover)
    rest = _pages(taxii_store, caller, SHARED_WITH_ME, 4, first.next)
    names = _incident_names(first.objects) | _incident_names(rest)
    assert names == {r.source_id for r in _records() if r.source_id.startswith("seen/")}


def test_bad_limits_cursors_and_collections_are_refused(
    taxii_store: Engine, caller: Principal
) -> None:
    with pytest.raises(InputError, match="limit 0"):
        objects_page(taxii_store, caller, SHARED_WITH_ME, limit=0)
    with pytest.raises(InputError, match="not a cursor"):
        objects_page(taxii_store, caller, SHARED_WITH_ME, next="WzEsMiwzXQ")
    others = _cn_mps_collections(taxii_store)["Sharing group: cn-ir"]
    with pytest.raises(UnknownCollectionError):
        objects_page(taxii_store, caller, others)


# --------------------------------------------------------------------------- match[...] filters


def _objects(collection: object, **filters: object) -> list[dict[str, object]]:
    """Every object of ``collection`` the OASIS client pages through with ``filters``."""
    pages = as_pages(collection.get_objects, per_request=4, **filters)  # type: ignore[attr-defined]
    return [obj for page in pages for obj in page.get("objects", [])]


def test_taxii2_client_filters_by_type_id_version_and_spec_version(
    taxii_store: Engine, token: str, atlas: Atlas
) -> None:
    with serving(_app(taxii_store, atlas)) as base:
        root = Server(f"{base}/taxii2/", auth=_Bearer(token)).default
        assert root is not None
        mine = next(c for c in root.collections if c.title == "Shared with me")
        everything = _objects(mine)
        seen = {r.source_id for r in _records() if r.source_id.startswith("seen/")}

        incidents = _objects(mine, type="incident")
        assert {o["type"] for o in incidents} == {"incident"}
        assert _incident_names(incidents) == seen
        two = _objects(mine, type=["marking-definition", "threat-actor"])
        assert {o["type"] for o in two} == {"marking-definition", "threat-actor"}

        wanted = [str(everything[n]["id"]) for n in (0, 7, 12)]
        hidden = next(r for r in _records() if r.source_id == "hidden/cn-ir")
        by_id = _objects(mine, id=[*wanted, f"incident--{hidden.uuid}"])  # never a hidden one
        assert [str(o["id"]) for o in by_id] == wanted
        only_incidents = _objects(mine, id=wanted, type="incident")  # fields are ANDed
        assert {str(o["id"]) for o in only_incidents} == {
            str(o["id"]) for o in everything if str(o["id"]) in wanted and o["type"] == "incident"
        }

        for words in ("last", "first", "all", ["first", "last"]):  # one version of each here
            assert _objects(mine, version=words) == everything, words
        reported = datetime(2022, 5, 1, tzinfo=UTC)  # every test incident's modified time
        that_day = _objects(mine, version=reported)
        assert {o["type"] for o in that_day} == {"incident", "location", "relationship"}
        assert _incident_names(that_day) == seen  # and not the actors, dated otherwise
        assert _objects(mine, version=datetime(2021, 1, 1, tzinfo=UTC)) == []

        assert _objects(mine, spec_version="2.1") == everything
        assert _objects(mine, spec_version="2.0") == []
        assert _objects(mine, spec_version=["2.0", "2.1"], type="incident") == incidents


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"match[foo]": "x"}, "match[foo]: this server filters on match[id]"),
        ({"match[type": "incident"}, "match[type: this server filters on"),
        ({"match[version]": "yesterday"}, "match[version] 'yesterday'"),
    ],
)
def test_unknown_match_fields_and_bad_versions_are_400(
    taxii_store: Engine, token: str, atlas: Atlas, query: dict[str, str], says: str
) -> None:
    with serving(_app(taxii_store, atlas)) as base:
        url = f"{base}/taxii2/api/collections/{SHARED_WITH_ME}/objects/"
        answer = requests.get(url, params=query, auth=_Bearer(token), timeout=10)
        assert answer.status_code == 400
        assert answer.headers["content-type"] == TAXII_MEDIA_TYPE
        assert says in answer.json()["description"]


@given(name=st.text(max_size=20), values=st.lists(st.text(max_size=10), max_size=3))
def test_a_match_field_parses_or_is_refused_by_name(name: str, values: list[str]) -> None:
    pairs = [(f"match[{name}]", value) for value in values] + [("limit", "3")]
    if name in MATCH_FIELDS and name != "version":
        found = ObjectMatch.from_query(pairs)
        field = {"id": found.ids, "type": found.types, "spec_version": found.spec_versions}
        assert field[name] == {v.strip() for value in values for v in value.split(",") if v.strip()}
    elif name not in MATCH_FIELDS and values:
        with pytest.raises(InputError, match="this server filters on"):
            ObjectMatch.from_query(pairs)
