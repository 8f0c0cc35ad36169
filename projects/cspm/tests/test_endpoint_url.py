"""The non-demo path end to end: CLI -> default credential chain -> --endpoint-url (a moto server)."""
from __future__ import annotations

import json

import pytest

from projects.cspm import demo
from projects.cspm.cli import main


@pytest.fixture
def moto_server(monkeypatch):
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": url,
                       "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield url
    server.stop()


def test_cli_scans_an_endpoint_with_env_credentials_and_a_fixture_file(moto_server, tmp_path):
    seeded = demo.seed(demo.session(shared=False), "bad")  # same process: moto's backends are shared
    fixture = tmp_path / "fixture.json"
    fixture.write_text(json.dumps(seeded.fixture))
    snapshot, out = tmp_path / "acct.json", tmp_path / "report.json"
    code = main(["--endpoint-url", moto_server, "--regions", ",".join(demo.REGIONS), "--fixture", str(fixture),
                 "--save-snapshot", str(snapshot), "--json", "-o", str(out), "--fail-on", "critical"])
    doc = json.loads(out.read_text())  # not stdout: the in-process moto server prints there
    assert code == 1  # 1.4, 1.5 and 3.3 are critical
    assert {(f["control"], f["resource"]) for f in doc["findings"]} == seeded.expected_failures
    assert doc["source"] == moto_server
    assert json.loads(snapshot.read_text())["fixtures"][0].endswith(f"({fixture})")
