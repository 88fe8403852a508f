"""`mtqa serve`, tested live: each server is the real CLI in a subprocess on a free
127.0.0.1 port, driven with a real HTTP client (httpx), LanguageTool's own Python
client (language_tool_python) for /v2, and Prometheus' own parser for /metrics.

Servers run rules only (--no-fluency) except one with the fast model (newslm-5m).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SEED, run_mtqa

WIRE = ROOT / "tests" / "fixtures" / "wire"
MARKER = "Qwertzuiopkadabra"  # a word no log line may ever contain
EMOJI_TEXT = "😀 Officials 😀😀 said the the talks would resume ."
SEED_REL = str(SEED.relative_to(ROOT))  # the CLI runs in ROOT: the same source name in both reports
JSON_TYPE = {"Content-Type": "application/json"}
GARBLED = "Jobs agreement the that thousands said trade Tuesday of on would create new president the."


class Server:
    """`python -m mtqa serve --port 0 ...` with its stderr in a file; ``url`` once /health answers."""

    def __init__(self, log: Path, *args: str):
        self.log_path = log
        env = {**os.environ, "NO_COLOR": "1", "HF_HUB_OFFLINE": "1"}
        with open(log, "wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "mtqa", "serve", "--host", "127.0.0.1", "--port", "0",
                                          *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 300
        while True:
            m = re.search(r"ready on (http://127\.0\.0\.1:\d+)", self.log())
            if m:
                self.url = m.group(1)
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"mtqa serve did not start: {self.log()[-2000:]}")
            time.sleep(0.1)
        while True:  # the ready line comes just before uvicorn serves: wait for /health
            try:
                if httpx.get(self.url + "/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("no /health")
            time.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120, **kw)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _start(tmp_path_factory, name: str, *args: str):
    server = Server(tmp_path_factory.mktemp(name) / "stderr.log", *args)
    return server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # a batch wait long enough that concurrent requests share a batch
    s = _start(tmp_path_factory, "rules", "--no-fluency", "--max-body", "65536", "--batch-wait-ms", "100")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def api(server):
    with server.client() as c:
        yield c


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8")


def cli_json(*args) -> tuple[dict, int]:
    r = run_mtqa("check", "--format", "json", *args)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout), r.returncode


def without_utf16(findings: list[dict]) -> list[dict]:
    return [{k: v for k, v in f.items() if k not in ("start_utf16", "end_utf16")} for f in findings]


# -- /v1/check ---------------------------------------------------------------------------------------

def test_utf16_offsets_round_trip():
    from mtqa.serve.offsets import Utf16Offsets

    for text in ("plain ascii", "café 😀 x 😀😀 𝔘 end", "😀", ""):
        u16 = Utf16Offsets(text)
        for cp in range(len(text) + 1):
            unit = u16.utf16(cp)
            assert unit == len(text[:cp].encode("utf-16-le")) // 2 and u16.code_point(unit) == cp


def test_health_says_what_runs(api):
    r = api.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["model"] is None and r.json()["fluency"] is False


def test_check_on_the_seed_equals_mtqa_check_format_json(api, seed_text):
    cli, code = cli_json(SEED_REL, "--no-fluency")
    r = api.post("/v1/check", json={"text": seed_text, "source": SEED_REL})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    out = r.json()
    (doc,), (cli_doc,) = out["documents"], cli["documents"]
    assert cli_doc["findings"]  # codes, offsets, lines, messages, suggestions, confidences: all the same
    assert without_utf16(doc["findings"]) == cli_doc["findings"]
    assert doc["summary"] == cli_doc["summary"] and doc["source"] == cli_doc["source"]
    assert out["schema"] == cli["schema"] == "mtqa/1" and out["summary"] == cli["summary"]
    # the gate: the seed has error-level findings, so the CLI exits 1
    assert code == 1 and out["gate"] == {"verdict": "fail", "exit_code": 1, "fail_on": "error"}
    assert doc["gate"]["verdict"] == "fail"
    # no astral characters in the seed: UTF-16 offsets equal code point offsets
    assert all(f["start_utf16"] == f["start"] and f["end_utf16"] == f["end"] for f in doc["findings"])
    # deterministic: the same request gives the same bytes
    assert api.post("/v1/check", json={"text": seed_text, "source": SEED_REL}).content == r.content


def test_offsets_in_code_points_and_utf16_units_after_emoji(api):
    r = api.post("/v1/check", json={"text": EMOJI_TEXT})
    findings = r.json()["documents"][0]["findings"]
    rep = next(f for f in findings if f["code"] == "REP001")
    typ = next(f for f in findings if f["code"] == "TYP001")
    utf16 = EMOJI_TEXT.encode("utf-16-le")
    for f in (rep, typ):
        assert EMOJI_TEXT[f["start"]:f["end"]] == f["text"]
        assert utf16[2 * f["start_utf16"]:2 * f["end_utf16"]].decode("utf-16-le") == f["text"]
    assert rep["text"] == "the the" and rep["start_utf16"] == rep["start"] + 3  # three emoji before it
    assert typ["start_utf16"] - typ["start"] == 3


def test_options_select_ignore_severity_fail_on(api, seed_text):
    def run(**opts):
        r = api.post("/v1/check", json={"text": seed_text, **opts})
        assert r.status_code == 200, r.text
        return r.json()

    codes = lambda out: {f["code"] for f in out["documents"][0]["findings"]}  # noqa: E731
    assert codes(run(select=["CAS"])) == {"CAS001", "CAS002"}
    assert codes(run(select="CAS,QUO", ignore="CAS002")) == {"CAS001", "QUO001"}
    cli, _ = cli_json(SEED_REL, "--no-fluency", "--select", "CAS,QUO", "--ignore", "CAS002", "--severity", "QUO001=error")
    out = run(select="CAS,QUO", ignore=["CAS002"], severity={"QUO001": "error"})
    assert without_utf16(out["documents"][0]["findings"]) == cli["documents"][0]["findings"]
    # the gate follows fail_on
    warnings_only = run(select=["CAS"])
    assert warnings_only["gate"]["verdict"] == "pass" and warnings_only["gate"]["exit_code"] == 0
    assert run(select=["CAS"], fail_on="warning")["gate"] == {"verdict": "fail", "exit_code": 1, "fail_on": "warning"}
    assert run(fail_on="never")["gate"]["verdict"] == "pass"
    assert run(select=["CAS"], severity=["CAS001=error"])["gate"]["verdict"] == "fail"


@pytest.mark.parametrize("body, why", [
    (b'{"text": "The minister said', "malformed JSON"),
    (b"", "empty body"),
    (b"[1, 2]", "expected a JSON object"),
    (b"\xff\xfe{}", "not valid UTF-8"),
    ({"text": "Fine text.", "select": "CAS,XYZ"}, "unknown rule code or prefix 'XYZ'"),
    ({"text": "Fine text.", "ignore": ["NOPE1"]}, "unknown rule code or prefix 'NOPE1'"),
    ({"text": "Fine text.", "severity": {"QQQ001": "error"}}, "unknown rule code"),
    ({"text": "Fine text.", "severity": {"CAS001": "fatal"}}, "unknown severity"),
    ({"text": "Fine text.", "fail_on": "sometimes"}, "fail_on must be"),
    ({"text": "Fine text.", "selct": "CAS"}, "unknown key 'selct'"),
    ({"text": "   "}, "empty text"),
    ({"text": 42}, "text must be a string"),
    ({"text": "a", "document": "b"}, "either"),
    ({"document": "<nitf>", "format": "pdf"}, "unknown format 'pdf'"),
    ({"document": "<nitf><body><p>unclosed", "format": "nitf"}, "not well-formed XML"),
    ({"text": "Fine text.", "fluency": True}, "--no-fluency"),
    ({"text": "Fine text.", "model": "newslm-5m"}, "--no-fluency"),
])
def test_malformed_input_is_a_400_with_a_one_line_reason(api, body, why):
    r = api.post("/v1/check", **({"json": body} if isinstance(body, dict) else {"content": body, "headers": JSON_TYPE}))
    assert r.status_code == 400
    reason = r.json()["error"]
    assert why in reason and "\n" not in reason


@pytest.mark.parametrize("headers", [
    {"Content-Type": "text/plain"},
    {"Content-Type": "application/x-www-form-urlencoded"},  # what `curl -d` declares
    {},  # nothing declared
    {"Content-Type": "application/json; charset=latin-1"},
])
def test_v1_answers_415_to_a_body_not_declared_as_json(api, headers):
    body = json.dumps({"text": "The minister said on Tuesday."}).encode()
    for path in ("/v1/check", "/v1/check/batch", "/v1/names", "/v1/fix"):
        r = api.post(path, content=body, headers=headers)
        assert r.status_code == 415, (path, headers, r.status_code)
        assert "application/json" in r.json()["error"] or "UTF-8" in r.json()["error"]
    # the same body declared as JSON (a +json type and a UTF-8 charset too) is checked
    for ctype in ("application/json", "application/json; charset=UTF-8", "application/vnd.mtqa+json"):
        assert api.post("/v1/check", content=body, headers={"Content-Type": ctype}).status_code == 200


def test_wire_documents_read_like_the_cli(api):
    for name, fmt in (("story.nitf.xml", "nitf"), ("story.ninjs2.json", "ninjs"), ("story.html", "html")):
        path = WIRE / name
        cli, _ = cli_json(path, "--no-fluency")
        for given in (fmt, None):  # named, or found by content as the CLI does
            req = {"document": path.read_text(encoding="utf-8"), "source": str(path.relative_to(ROOT))}
            if given:
                req["format"] = given
            r = api.post("/v1/check", json=req)
            assert r.status_code == 200, r.text
            got = [without_utf16(d["findings"]) for d in r.json()["documents"]]
            assert got == [d["findings"] for d in cli["documents"]], name
            assert any("field" in f for f in got[0])  # headline / body


def test_batch_gives_each_document_what_check_gives_it(api, seed_text):
    nitf = (WIRE / "story.nitf.xml").read_text(encoding="utf-8")
    items = [{"text": seed_text}, {"text": EMOJI_TEXT, "source": "emoji"}, {"document": nitf, "format": "nitf"}]
    r = api.post("/v1/check/batch", json={"documents": items, "ignore": "TYP002"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert [d["source"] for d in out["documents"]] == ["<request:1>", "emoji", "<request:3>"]
    for item, doc in zip(items, out["documents"]):
        alone = api.post("/v1/check", json={**item, "ignore": "TYP002"}).json()["documents"][0]
        assert doc["findings"] == alone["findings"] and doc["gate"] == alone["gate"]
    assert out["summary"]["documents"] == 3 and out["gate"]["verdict"] == "fail"
    assert api.post("/v1/check/batch", json={"documents": []}).status_code == 400
    bad = api.post("/v1/check/batch", json={"documents": [{"text": "ok."}, {"txt": "x"}]})
    assert bad.status_code == 400 and "documents[1]" in bad.json()["error"]


def test_concurrent_requests_share_a_checker_batch(server, seed_text):
    """16 callers at once: the worker checks them in fewer batches than requests."""
    def metric(text, name):
        return sum(float(v) for v in re.findall(rf"^{name} (\S+)$", text, re.M))

    with server.client() as c:
        before = c.get("/metrics").text
    results = []
    barrier = threading.Barrier(16)

    def call(i):
        with server.client() as c:
            barrier.wait()
            results.append(c.post("/v1/check", json={"text": seed_text, "source": f"s{i}"}).status_code)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 16
    with server.client() as c:
        after = c.get("/metrics").text
    batches = metric(after, "mtqa_batch_requests_count") - metric(before, "mtqa_batch_requests_count")
    requests = metric(after, "mtqa_batch_requests_sum") - metric(before, "mtqa_batch_requests_sum")
    assert requests == 16 and batches < 16


# -- /v1/names and /v1/fix ---------------------------------------------------------------------------

def test_names_report_equals_mtqa_names_json(api, seed_text):
    r = run_mtqa("names", SEED_REL, "--format", "json")
    assert r.returncode == 0, r.stderr
    cli = json.loads(r.stdout)
    out = api.post("/v1/names", json={"text": seed_text, "source": SEED_REL})
    assert out.status_code == 200
    assert out.json() == cli and cli["corrected"]
    high = api.post("/v1/names", json={"documents": [{"text": seed_text}], "min_confidence": 0.99}).json()
    assert all(row["confidence"] >= 0.99 for row in high["corrected"])
    assert api.post("/v1/names", json={"text": seed_text, "min_confidence": 2}).status_code == 400


def test_fix_equals_mtqa_fix_and_is_idempotent(api, seed_text):
    r = run_mtqa("fix", "--no-fluency", SEED_REL)
    assert r.returncode == 0, r.stderr
    out = api.post("/v1/fix", json={"text": seed_text}).json()
    assert out["text"] == r.stdout and out["changed"]
    logged = [line for line in r.stderr.splitlines() if ": " in line and "→" in line]
    assert len(out["edits"]) == len(logged)
    first = [e for e in out["edits"] if e["pass"] == 0]
    assert first and all(seed_text[e["start"]:e["end"]] == e["old"] for e in first)
    again = api.post("/v1/fix", json={"text": out["text"]}).json()
    assert again["text"] == out["text"] and not again["changed"] and again["edits"] == []
    # only plain text is rewritten, and confidence is bounded as in `mtqa fix`
    nitf = (WIRE / "story.nitf.xml").read_text(encoding="utf-8")
    assert api.post("/v1/fix", json={"document": nitf, "format": "nitf"}).status_code == 400
    assert api.post("/v1/fix", json={"text": nitf}).status_code == 400  # markup sent as text is not rewritten
    assert api.post("/v1/fix", json={"text": seed_text, "min_confidence": -1}).status_code == 400
    strict = api.post("/v1/fix", json={"text": seed_text, "min_confidence": 1.0}).json()
    assert all(e["confidence"] >= 1.0 for e in strict["edits"])


# -- /v2/check: LanguageTool's own client ------------------------------------------------------------

def test_languagetool_client_gets_matches_on_the_same_spans(server, api, seed_text):
    import language_tool_python

    text = EMOJI_TEXT + "\n\n" + seed_text
    findings = api.post("/v1/check", json={"text": text}).json()["documents"][0]["findings"]
    tool = language_tool_python.LanguageTool("en-US", remote_server=server.url)
    try:
        matches = tool.check(text)
        assert matches
        # the client turns LanguageTool's UTF-16 offset into a code point offset; the length stays UTF-16
        got = sorted((m.offset, m.error_length, m.rule_id) for m in matches)
        want = sorted((f["start"], f["end_utf16"] - f["start_utf16"], f["code"]) for f in findings)
        assert got == want
        rep = next(m for m in matches if m.rule_id == "REP001")
        assert rep.offset == EMOJI_TEXT.index("the the") and rep.replacements == ["the"]
        assert rep.category == "REPETITION" and rep.rule_issue_type == "duplication"
        assert rep.sentence in EMOJI_TEXT and "the the" in rep.context
        # disabledRules / enabledRules + enabledOnly
        tool.disabled_rules = {"CAS001", "QUO"}
        assert not {m.rule_id for m in tool.check(text)} & {"CAS001", "QUO001"}
        tool.disabled_rules = set()
        tool.enabled_rules = {"REP001"}
        tool.enabled_rules_only = True
        assert {m.rule_id for m in tool.check(text)} == {"REP001"}
    finally:
        tool.close()


def test_v2_check_raw_offsets_are_utf16_units(api):
    r = api.post("/v2/check", data={"text": EMOJI_TEXT, "language": "en-US"})
    assert r.status_code == 200
    body = r.json()
    assert body["software"]["name"] == "mtqa" and body["language"]["code"] == "en-US"
    utf16 = EMOJI_TEXT.encode("utf-16-le")
    spans = {m["rule"]["id"]: utf16[2 * m["offset"]:2 * (m["offset"] + m["length"])].decode("utf-16-le")
             for m in body["matches"]}
    assert spans["REP001"] == "the the" and spans["TYP001"] == " ."
    m = next(m for m in body["matches"] if m["rule"]["id"] == "REP001")
    ctx16 = m["context"]["text"].encode("utf-16-le")
    assert ctx16[2 * m["context"]["offset"]:2 * (m["context"]["offset"] + m["context"]["length"])].decode("utf-16-le") == "the the"


def test_v2_check_annotated_text_offsets_point_into_the_markup(api):
    annotation = [{"markup": "<p>"}, {"text": "Officials "}, {"markup": "<b>"}, {"text": "said the the talks"},
                  {"markup": "</b>"}, {"text": " would resume ."}, {"markup": "</p>", "interpretAs": "\n\n"}]
    original = "".join(a.get("text", a.get("markup")) for a in annotation)
    r = api.post("/v2/check", data={"data": json.dumps({"annotation": annotation}), "language": "en"})
    assert r.status_code == 200, r.text
    spans = {m["rule"]["id"]: original[m["offset"]:m["offset"] + m["length"]] for m in r.json()["matches"]}
    assert spans["REP001"] == "the the" and spans["TYP001"] == " ."


@pytest.mark.parametrize("form, why", [
    ({"text": "Fine."}, "Missing 'language'"),
    ({"text": "Gut.", "language": "de-DE"}, "not supported"),
    ({"text": "Fine.", "language": "en", "disabledRules": "NOSUCH"}, "unknown rule code"),
    ({"text": "Fine.", "language": "en", "enabledOnly": "true"}, "enabledOnly"),
    ({"data": "{not json", "language": "en"}, "data: malformed JSON"),
    ({"language": "en"}, "either 'text' or 'data'"),
])
def test_v2_check_errors_are_plain_text_400(api, form, why):
    r = api.post("/v2/check", data=form)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    assert why in r.text and r.text.count("\n") == 1


def test_v2_languages(api):
    langs = api.get("/v2/languages").json()
    assert {"name": "English (US)", "code": "en", "longCode": "en-US"} in langs


# -- limits, keys, logs, metrics ----------------------------------------------------------------------

def test_oversized_body_is_a_413(api):
    big = json.dumps({"text": "word " * 20_000})  # 100 kB > --max-body 65536
    r = api.post("/v1/check", content=big, headers=JSON_TYPE)
    assert r.status_code == 413 and "--max-body" in r.json()["error"]
    # the same without Content-Length (chunked): refused while reading
    r = api.post("/v1/check", content=(big[i:i + 8192].encode() for i in range(0, len(big), 8192)), headers=JSON_TYPE)
    assert r.status_code == 413
    assert api.post("/v2/check", data={"language": "en", "text": "word " * 20_000}).status_code == 413


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    keyfile = tmp_path_factory.mktemp("keys") / "keys.txt"
    keyfile.write_text("# service keys\nk-0123456789abcdef0123\n\nk-fedcba9876543210fedc\n", encoding="utf-8")
    s = _start(tmp_path_factory, "keyed", "--no-fluency", "--api-key-file", str(keyfile))
    yield s
    s.stop()


def test_api_keys(keyed):
    with keyed.client() as c:
        body = {"text": "The the minister said ."}
        r = c.post("/v1/check", json=body)
        assert r.status_code == 401 and "missing API key" in r.json()["error"] and "Bearer" in r.headers["www-authenticate"]
        r = c.post("/v1/check", json=body, headers={"Authorization": "Bearer k-0123456789abcdef0124"})
        assert r.status_code == 401 and "invalid API key" in r.json()["error"]
        assert c.post("/v1/check", json=body, headers={"X-API-Key": "wrong"}).status_code == 401
        assert c.post("/v1/check", json=body, headers={"Authorization": "Bearer k-0123456789abcdef0123"}).status_code == 200
        assert c.post("/v1/check", json=body, headers={"X-API-Key": "k-fedcba9876543210fedc"}).status_code == 200
        assert c.get("/metrics").status_code == 401
        assert c.get("/health").status_code == 200 and c.get("/v2/languages").status_code == 200
        # LanguageTool clients send the key as the apiKey form field
        form = {"text": "The the minister said .", "language": "en"}
        assert c.post("/v2/check", data=form).status_code == 401
        assert c.post("/v2/check", data={**form, "apiKey": "k-fedcba9876543210fedc"}).status_code == 200


def test_queue_full_is_a_503_with_retry_after(tmp_path_factory, seed_text):
    s = _start(tmp_path_factory, "busy", "--no-fluency", "--queue", "1", "--workers-batch", "1",
               "--batch-wait-ms", "0")
    try:
        big = {"text": "\n\n".join([seed_text] * 12)}
        statuses, retry = [], []
        barrier = threading.Barrier(12)

        def call():
            with s.client() as c:
                barrier.wait()
                r = c.post("/v1/check", json=big)
                statuses.append(r.status_code)
                if r.status_code == 503:
                    retry.append(r.headers.get("retry-after"))

        threads = [threading.Thread(target=call) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert 503 in statuses and set(statuses) <= {200, 503}
        assert retry and all(v and v.isdigit() for v in retry)
        with s.client() as c:  # and it recovers
            assert c.post("/v1/check", json={"text": "The the minister said ."}).status_code == 200
    finally:
        s.stop()


def test_request_timeout_is_a_504(tmp_path_factory):
    # the worker waits 300 ms for company; the caller only 50 ms
    s = _start(tmp_path_factory, "slow", "--no-fluency", "--timeout", "0.05", "--batch-wait-ms", "300")
    try:
        with s.client() as c:
            r = c.post("/v1/check", json={"text": "The the minister said ."})
            assert r.status_code == 504 and "--timeout" in r.json()["error"]
            assert c.get("/health").status_code == 200
    finally:
        s.stop()


def test_logs_never_contain_document_text(server, api):
    text = f"The {MARKER} minister said the the talks would resume ."
    calls = [
        ("/v1/check", {"json": {"text": text}}),
        ("/v1/check/batch", {"json": {"documents": [{"text": text}, {"text": text + " Again."}]}}),
        ("/v1/names", {"json": {"text": text}}),
        ("/v1/fix", {"json": {"text": text}}),
        ("/v2/check", {"data": {"text": text, "language": "en-US"}}),
        ("/v2/check", {"params": {"text": text, "language": "en-US"}}),
        ("/v1/check", {"content": ('{"text": "' + text).encode(), "headers": JSON_TYPE}),  # malformed
        ("/v1/check", {"json": {"text": text, "select": MARKER}}),  # unknown code: quoted to the caller only
        ("/v1/check", {"json": {"document": f"<nitf><p>{MARKER}", "format": "nitf"}}),
    ]
    for path, kw in calls:
        r = api.post(path, **kw)
        assert r.status_code in (200, 400)
    log = server.log()
    assert MARKER not in log and MARKER.lower() not in log.lower()
    assert re.search(r"^POST /v1/check 200 [\d.]+ms$", log, re.M)
    assert re.search(r"^POST /v1/check 400 [\d.]+ms$", log, re.M)


def test_metrics_parse_with_prometheus_own_parser(api):
    from prometheus_client.parser import text_string_to_metric_families

    api.post("/v1/check", json={"text": "The the minister said ."})
    api.post("/v1/check", content=b"{", headers=JSON_TYPE)
    r = api.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(r.text)}
    reqs = families["mtqa_http_requests"]
    assert reqs.type == "counter"
    by = {(s.labels["path"], s.labels["status"]): s.value for s in reqs.samples}
    assert by[("/v1/check", "200")] >= 1 and by[("/v1/check", "400")] >= 1
    assert families["mtqa_http_request_duration_seconds"].type == "histogram"
    assert families["mtqa_queue_depth"].type == "gauge"
    sizes = families["mtqa_batch_documents"]
    assert sizes.type == "histogram"
    assert next(s.value for s in sizes.samples if s.name.endswith("_count")) >= 1


# -- the model ----------------------------------------------------------------------------------------

def test_fluency_findings_come_back_with_the_fast_model(tmp_path_factory, tmp_path):
    s = _start(tmp_path_factory, "model", "--model", "newslm-5m")
    try:
        story = tmp_path / "garbled.txt"
        story.write_text(GARBLED + "\n", encoding="utf-8")
        cli, _ = cli_json(story, "--model", "newslm-5m")
        with s.client() as c:
            assert c.get("/health").json()["model"] == "newslm-5m"
            out = c.post("/v1/check", json={"text": GARBLED + "\n", "source": str(story)}).json()
            doc = out["documents"][0]
            assert {"FLU001", "FLU002"} <= {f["code"] for f in doc["findings"]}
            assert doc["summary"]["fluency"]["model"] == "newslm-5m"
            assert without_utf16(doc["findings"]) == cli["documents"][0]["findings"]
            assert c.post("/v1/check", json={"text": GARBLED, "model": "newslm-5m"}).status_code == 200
            rules_only = c.post("/v1/check", json={"text": GARBLED, "fluency": False}).json()
            assert not [f for f in rules_only["documents"][0]["findings"] if f["code"].startswith("FLU")]
            r = c.post("/v1/check", json={"text": GARBLED, "model": "smollm2-135m"})
            assert r.status_code == 400 and "newslm-5m" in r.json()["error"]
            lt = c.post("/v2/check", data={"text": GARBLED, "language": "en-US"}).json()
            assert {"FLU001", "FLU002"} <= {m["rule"]["id"] for m in lt["matches"]}
            # scored in one model batch, each document gets what it gets alone
            items = [{"text": GARBLED}, {"text": SEED.read_text(encoding="utf-8")}]
            batch = c.post("/v1/check/batch", json={"documents": items}).json()["documents"]
            alone = [c.post("/v1/check", json=item).json()["documents"][0] for item in items]
            spans = lambda d: [(f["code"], f["start"], f["end"]) for f in d["findings"]]  # noqa: E731
            assert [spans(d) for d in batch] == [spans(d) for d in alone]
            for b, a in zip(batch, alone):  # the same scores (a batch may round differently in the last bits)
                assert b["summary"]["fluency"]["slor"] == pytest.approx(a["summary"]["fluency"]["slor"], abs=1e-4)
    finally:
        s.stop()


def test_serve_without_the_extra_says_how_to_install():
    code = ("import sys; sys.modules['uvicorn'] = None\n"
            "sys.argv = ['mtqa', 'serve']\n"
            "from mtqa.cli import main; main()\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "pip install 'mtqa[serve]'" in r.stderr


# -- the original beside the translation (source-aware checks) ----------------------------------------

SOURCE_RU = "Канцлер Олаф Шольц встретился с президентом 14 июля. Боевики «Джебхат ан-Нусра» (запрещена в России) обстреляли город."
TARGET_EN = "Chancellor Olaf Sholz met the president on July 15. Militants of Jabhat al-Nusra (business in Russia) shelled the city."


def test_check_reads_the_original_like_mtqa_check_source(api, tmp_path):
    (tmp_path / "hyp.txt").write_text(TARGET_EN, encoding="utf-8")
    (tmp_path / "src.txt").write_text(SOURCE_RU, encoding="utf-8")
    want, _ = cli_json(str(tmp_path / "hyp.txt"), "--no-fluency", "--source", str(tmp_path / "src.txt"))
    want = [(f["code"], f["start"], f["end"], f["suggestion"]) for f in want["documents"][0]["findings"]]
    assert ("SRC001", TARGET_EN.index("15"), TARGET_EN.index("15") + 2, None) in want
    for body in ({"text": TARGET_EN, "source_text": SOURCE_RU},
                 {"text": TARGET_EN, "source_text": SOURCE_RU, "source_lang": "ru"},
                 {"text": TARGET_EN, "source": {"text": SOURCE_RU, "lang": "ru"}}):
        r = api.post("/v1/check", json=body)
        assert r.status_code == 200, r.text
        got = [(f["code"], f["start"], f["end"], f["suggestion"]) for f in r.json()["documents"][0]["findings"]]
        assert got == want
    # without the original: no source-aware finding
    r = api.post("/v1/check", json={"text": TARGET_EN})
    assert not [f for f in r.json()["documents"][0]["findings"] if f["code"].startswith("SRC")]


@pytest.mark.parametrize("body,why", [
    ({"text": "x", "source_text": ""}, "source_text"),
    ({"text": "x", "source_lang": "ru"}, "source_lang needs source_text"),
    ({"text": "x", "source": {"text": "Текст", "langue": "ru"}}, "unknown key"),
    ({"text": "x", "source_text": "Текст", "source_lang": "russian!"}, "source_lang"),
])
def test_a_bad_original_is_a_400_with_a_one_line_reason(api, body, why):
    r = api.post("/v1/check", json=body)
    assert r.status_code == 400
    msg = r.json()["error"]
    assert why in msg and "\n" not in msg
