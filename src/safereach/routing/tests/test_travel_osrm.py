"""The OSRM client against a small local server that speaks OSRM's /table API.

Debian packages no OSRM server with a map extract here, so the server below answers table
requests the way osrm-routed does (seconds, null for unreachable places, the same URL shape),
from a known road-time table, and refuses tables larger than its --max-table-size.
"""

import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from safereach.routing.travel import OsrmTravel, TravelError

PLACES = [(0.1, 51.5), (0.2, 51.6), (0.3, 51.7), (0.4, 51.8), (5.0, 60.0)]
# seconds; the last place is an island no road reaches
SECONDS = [
    [0, 600, 1200, 1800, None],
    [660, 0, 540, 1260, None],
    [1200, 600, 0, 720, None],
    [1800, 1200, 780, 0, None],
    [None, None, None, None, 0],
]


class FakeOsrm(BaseHTTPRequestHandler):
    max_table_size = 100
    requests: list = []

    def do_GET(self):
        url = urlsplit(self.path)  # urlparse would cut the path at its first ";"
        parts = url.path.split("/")  # '', 'table', 'v1', profile, coordinates
        if parts[1:3] != ["table", "v1"] or len(parts) != 5:
            return self._send(400, {"code": "InvalidUrl", "message": "URL string malformed"})
        coordinates = [tuple(float(x) for x in c.split(",")) for c in parts[4].split(";")]
        query = parse_qs(url.query)
        sources = [int(i) for i in query["sources"][0].split(";")]
        targets = [int(i) for i in query["destinations"][0].split(";")]
        type(self).requests.append((parts[3], len(sources), len(targets)))
        if len(sources) * len(targets) > self.max_table_size**2:
            return self._send(400, {"code": "TooBig", "message": "Too many table coordinates"})
        index = [PLACES.index(c) for c in coordinates]
        durations = [[SECONDS[index[s]][index[t]] for t in targets] for s in sources]
        self._send(200, {"code": "Ok", "durations": durations})

    def _send(self, status, body):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def osrm():
    FakeOsrm.requests = []
    FakeOsrm.max_table_size = 100
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_table_in_minutes_with_unreachable_as_infinity(osrm):
    travel = OsrmTravel(url=osrm, profile="driving")

    minutes = travel.table(PLACES[:2], PLACES)

    assert minutes[0, :4].tolist() == [0, 10, 20, 30]
    assert minutes[1, 0] == 11  # roads are not the same both ways
    assert math.isinf(minutes[0, 4])
    assert FakeOsrm.requests == [("driving", 2, 5)]


def test_big_tables_are_asked_for_in_blocks_the_server_accepts(osrm):
    FakeOsrm.max_table_size = 2
    travel = OsrmTravel(url=osrm, max_table_size=2)

    minutes = travel.table(PLACES[:4], PLACES[:4])

    expected = np.array([row[:4] for row in SECONDS[:4]], dtype=float) / 60
    assert minutes == pytest.approx(expected)
    assert len(FakeOsrm.requests) == 16  # 4 × 4 blocks of one source and one destination


def test_pairs_take_one_table(osrm):
    travel = OsrmTravel(url=osrm)

    minutes = travel.pairs([PLACES[0], PLACES[3]], [PLACES[2], PLACES[2]])

    assert minutes.tolist() == [20, 13]
    assert len(FakeOsrm.requests) == 1


def test_an_error_from_the_server_is_reported(osrm):
    FakeOsrm.max_table_size = 1
    with pytest.raises(TravelError, match="OSRM"):
        OsrmTravel(url=osrm, max_table_size=100).table(PLACES[:2], PLACES[:2])


def test_a_server_that_is_not_there_is_reported():
    with pytest.raises(TravelError, match="did not answer"):
        OsrmTravel(url="http://127.0.0.1:9", timeout_seconds=2).table(PLACES[:1], PLACES[:2])
