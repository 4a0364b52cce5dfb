"""The HTTP client gives what the library gives over a store: the same pages, the same
exports, as the token's organization; and every failure as one line naming the server.
Against real servers on 127.0.0.1: ours (uvicorn), one that never answers, one that is
not ours."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import socket
from collections.abc import Iterator
from datetime import date

import pytest
import stix2
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.cooperation.client import (
    COUNT_HEADER,
    CorridorServer,
    ServerError,
    ServerInputError,
    server_url,
)
from corridor.cooperation.groups import viewer_for
from corridor.errors import InputError
from corridor.events.model import Tlp
from corridor.events.query import IncidentQuery
from corridor.events.services import export_incidents, list_incidents
from corridor.store import open_store
from tests.cooperation.conftest import incident, store_incidents
from tests.server import add_parties, corridor_server, serving

QUERY = IncidentQuery(countries=("KAZ",), limit=None, newest_first=True)


@dataclasses.dataclass
class Served:
    url: str
    store: Engine
    tokens: dict[str, str]

    @property
    def token(self) -> str:
        return self.tokens["aliya"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, atlas: Atlas) -> Iterator[Served]:
    """kz-mvd's analyst (and reporter) on a server whose store holds 7 incidents in
    Kazakhstan kz-mvd may read (on 4 days, so pages break inside a day) and 2 it may not."""
    url = f"sqlite:///{tmp_path_factory.mktemp('client') / 'server.sqlite'}"
    store = open_store(url, create=True)
    users = {"aliya": ("kz-mvd", "analyst"), "dana": ("kz-mvd", "reporter")}
    tokens = add_parties(store, atlas, {"kz-mvd": "KAZ", "tr-police": "TUR"}, users)
    days = [date(2024, 1, 1 + n // 2) for n in range(7)]
    seen = [incident(f"seen-{n}", Tlp.GREEN, "tr-police", start_date=d) for n, d in enumerate(days)]
    hidden = [incident(f"hidden-{n}", Tlp.AMBER, "tr-police") for n in range(2)]
    store_incidents(store, *seen, *hidden)
    with corridor_server(url, atlas) as base:
        yield Served(base, store, tokens)
    store.dispose()


def _direct(served: Served, atlas: Atlas, query: IncidentQuery) -> list[str]:
    viewer = viewer_for(served.store, "kz-mvd", on=date.today(), atlas=atlas)
    return [i.source_id for i in list_incidents(served.store, viewer, query).incidents]


def test_pages_follow_the_cursor_through_everything_once(served: Served, atlas: Atlas) -> None:
    with CorridorServer(served.url, served.token) as server:
        pages = list(server.incident_pages(QUERY, page_size=3))
    assert [len(p.incidents) for p in pages] == [3, 3, 1]
    assert all(p.total == 7 for p in pages) and pages[-1].next_cursor is None
    over_http = [i.source_id for p in pages for i in p.incidents]
    assert over_http == _direct(served, atlas, QUERY)


@pytest.mark.parametrize(("offset", "limit"), [(0, 2), (2, 3), (5, 5), (7, 1), (0, 2000)])
def test_a_page_by_offset_is_the_stores_page(
    served: Served, atlas: Atlas, offset: int, limit: int
) -> None:
    for newest_first in (True, False):
        query = dataclasses.replace(QUERY, offset=offset, limit=limit, newest_first=newest_first)
        with CorridorServer(served.url, served.token) as server:
            page = server.list_incidents(query)
        assert [i.source_id for i in page.incidents] == _direct(served, atlas, query)
        assert page.total == 7 and page.offset == offset
        assert page.next_offset == (offset + limit if offset + limit < 7 else None)


@pytest.mark.parametrize("fmt", ["csv", "geojson", "stix"])
def test_an_export_streams_what_the_store_exports(served: Served, atlas: Atlas, fmt: str) -> None:
    over_http = io.StringIO()
    with CorridorServer(served.url, served.token) as server:
        count = server.export_incidents(QUERY, fmt, over_http)
    direct = io.StringIO()
    viewer = viewer_for(served.store, "kz-mvd", on=date.today(), atlas=atlas)
    assert count == export_incidents(served.store, viewer, QUERY, fmt, direct) == 7
    if fmt == "stix":  # a fresh bundle id and timestamps each time: compare the objects
        bundle = stix2.parse(over_http.getvalue(), allow_custom=True)
        incidents = [o for o in bundle.objects if o.type == "incident"]
        assert sorted(o.name for o in incidents) == sorted(
            o["name"] for o in json.loads(direct.getvalue())["objects"] if o["type"] == "incident"
        )
    else:
        assert over_http.getvalue() == direct.getvalue()


def test_a_reported_incident_comes_back_as_the_callers(served: Served) -> None:
    record = {
        "source": "dana", "source_id": "r-1", "title": "Cut fence", "reporter": "tr-police",
        "start_date": "2024-02-02", "threat_class": "infrastructure_attack", "tlp": "amber",
        "source_updated": "2024-02-03T00:00:00+00:00", "x_note": "the agency's own",
    }  # fmt: skip
    with CorridorServer(served.url, served.tokens["dana"]) as server:
        stored = server.report_incident(record)
    assert stored.reporter == "kz-mvd" and stored.tlp is Tlp.AMBER and stored.title == "Cut fence"
    assert stored.source_updated is None  # the API takes none; the server keeps its own time
    with CorridorServer(served.url, served.tokens["aliya"]) as server:
        analyst = "may not report incidents (roles: analyst; needs report); the token's user lacks"
        with pytest.raises(ServerError, match=re.escape(analyst)):
            server.report_incident({**record, "source_id": "r-2"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://corridor.example.org/", "https://corridor.example.org"),
        (" https://example.org/corridor/api/ ", "https://example.org/corridor/api"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_a_server_address_is_kept_without_its_trailing_slash(text: str, expected: str) -> None:
    assert server_url(text) == expected


@pytest.mark.parametrize(
    "text",
    ["localhost:8000", "ftp://example.org", "http://", "http://h:99999", "http://h:0",
     "http://h/?token=x", "http://user:pw@h", "127.0.0.1"],
)  # fmt: skip
def test_anything_else_is_refused_as_an_address(text: str) -> None:
    with pytest.raises(InputError, match="server"):
        server_url(text)


@pytest.mark.parametrize("token", ["", "  ", "cst_abc def", "cst_abc\ncst_def"])
def test_a_token_that_cannot_be_one_is_refused_unsent_and_unshown(token: str) -> None:
    with pytest.raises(InputError, match=r"^the API token is not a token") as caught:
        CorridorServer("http://127.0.0.1:1", token)
    assert "cst_" not in str(caught.value)


def test_a_server_that_never_answers_times_out_in_one_line() -> None:
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with (
            CorridorServer(url, "cst_x", timeout_s=0.3) as server,
            pytest.raises(ServerError) as caught,
        ):
            server.list_incidents(QUERY)
    assert str(caught.value) == f"the server at {url} did not answer within 0.3 s"


def _not_ours() -> FastAPI:
    """A web server that is not Secure Corridor: HTML pages, and a failing export."""
    app = FastAPI()

    @app.get("/incidents", response_class=HTMLResponse)
    def page() -> str:
        return "<html>Welcome</html>"

    @app.get("/incidents/export")
    def fails() -> None:
        raise RuntimeError("boom")

    return app


def test_a_server_that_is_not_ours_is_said_so() -> None:
    with serving(_not_ours()) as url, CorridorServer(url, "cst_x") as server:
        with pytest.raises(ServerError, match="sent something other than JSON: is it the address"):
            server.list_incidents(QUERY)
        with pytest.raises(ServerError, match=r"failed \(500 Internal Server Error\)"):
            server.export_incidents(QUERY, "csv", io.StringIO())
        with pytest.raises(InputError, match="export format 'kml'"):
            server.export_incidents(QUERY, "kml", io.StringIO())


def test_a_refusal_of_a_value_keeps_the_servers_words_and_exit_code(served: Served) -> None:
    bad = IncidentQuery(threat_classes=("piracyy",))
    server = CorridorServer(served.url, served.token)
    with server, pytest.raises(ServerInputError, match="did you mean 'piracy'") as caught:
        server.list_incidents(bad)
    assert caught.value.status == 422 and caught.value.exit_code == 2
    assert str(caught.value).startswith(f"{served.url} refused the request: threat class")


def test_the_export_says_how_many_in_a_header(served: Served) -> None:
    import httpx

    params = {"format": "geojson", "country": "KAZ"}
    headers = {"Authorization": f"Bearer {served.token}"}
    answer = httpx.get(f"{served.url}/incidents/export", params=params, headers=headers)
    assert answer.status_code == 200 and answer.headers[COUNT_HEADER] == "7"
    assert len(answer.json()["features"]) == 7
