"""A big export runs in the background: queued, written by the task worker page by page with its
progress committed for the panel to show, stored, then downloaded; only by its own company."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from pbx import call_export, export_jobs, models
from pbx.extensions import db
from tests.conftest import sign_in
from tests.exports.test_files import KEYS, PLAIN, POLISH, POLISH_HEADERS
from tests.listener.conftest import bucket, s3_server  # noqa: F401 - the S3 fixtures of the storage tests

PL = {"Accept-Language": "pl"}


@pytest.fixture
def watched(monkeypatch):
    """The progress of the running job as another process reads it: (rows done, status) after each report."""
    seen, counted = [], export_jobs.counted

    def counted_and_read(values, progress):
        def report(done):
            progress(done)
            with db.engine.connect() as other:
                seen.append(tuple(other.execute(select(models.ExportJob.rows_done, models.ExportJob.status)).one()))
        return counted(values, report)

    monkeypatch.setattr(export_jobs, "counted", counted_and_read)
    return seen


def test_past_the_limit_a_download_is_refused_in_words_and_a_background_export_takes_it(
        as_viewer, finance_calls, ctx, monkeypatch, task_queue, watched):
    monkeypatch.setitem(ctx.config, "EXPORT_MAX_ROWS", 2)
    monkeypatch.setattr(call_export, "PAGE", 2)
    refused = as_viewer.get("/api/calls/export?format=xlsx", headers=PL)
    assert refused.status_code == 422 and refused.get_json()["fields"]["to"] == [
        "Eksport obejmuje 4 połączenia; jeden plik mieści najwyżej 2 wiersze: wybierz krótszy okres (od, do) "
        "albo uruchom eksport w tle."]

    started = as_viewer.post("/api/exports?format=csv-excel&from=2026-03-01&to=2026-10-31")
    assert started.status_code == 202
    job = started.get_json()
    assert (job["status"], job["rows_total"], job["rows_done"], job["download"]) == ("queued", 4, 0, None)
    assert job["file_name"] == "calls_2026-03-01_2026-10-31.csv"
    not_yet = as_viewer.get(f"/api/exports/{job['id']}/file", headers=PL)
    assert not_yet.status_code == 409
    assert not_yet.get_json()["error"] == "Eksport nie jest jeszcze gotowy: zapisano 0 z 4 połączeń."

    assert task_queue.run_pending() == 1
    assert watched == [(2, "running"), (4, "running"), (4, "running")]  # after each page, then at the end
    done = as_viewer.get(f"/api/exports/{job['id']}").get_json()
    assert (done["status"], done["rows_done"], done["download"]) == ("done", 4, f"/api/exports/{job['id']}/file")
    assert done["size_bytes"] > 0 and done["finished_at"]
    assert [j["id"] for j in as_viewer.get("/api/exports").get_json()] == [job["id"]]

    download = as_viewer.get(done["download"])
    assert download.status_code == 200 and "calls_2026-03-01_2026-10-31.csv" in download.headers["Content-Disposition"]
    data = download.get_data()
    assert len(data) == done["size_bytes"] and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [POLISH_HEADERS, *POLISH]


def test_starting_an_export_is_in_the_audit_log_in_words(as_viewer, demo, finance_calls, task_queue):
    hotline = db.session.scalar(select(models.MainNumber.id).where(models.MainNumber.number == "+48221000099"))
    as_viewer.post(f"/api/exports?format=xlsx&main_number={hotline}")
    entry = as_viewer.get("/api/audit", headers=PL).get_json()[0]
    assert entry["who"] == "Wiktor Widz" and entry["what"] == "Dodano eksport połączeń: calls_all.xlsx"
    fields = {field["label"]: field["after"] for field in entry["fields"]}
    assert fields == {"Format": "xlsx", "Filtry": "Numer główny: 22 100 00 99", "Połączenia": "1",
                      "Plik": "calls_all.xlsx"}


def test_a_job_and_its_file_belong_to_its_company(client, as_viewer, stranger, finance_calls, task_queue):
    job = as_viewer.post("/api/exports?format=csv").get_json()
    task_queue.run_pending()
    sign_in(client, stranger)
    assert client.get(f"/api/exports/{job['id']}").status_code == 404
    assert client.get(f"/api/exports/{job['id']}/file").status_code == 404
    assert client.get("/api/exports").get_json() == []


def test_a_failed_job_says_why(as_viewer, demo, finance_calls, task_queue):
    nowak = next(user for user in demo.users if user.last_name == "Nowak")
    job = as_viewer.post(f"/api/exports?format=csv&user={nowak.id}").get_json()
    db.session.delete(db.session.get(models.User, nowak.id))  # gone before the worker runs
    db.session.commit()
    task_queue.run_pending()
    failed = as_viewer.get(f"/api/exports/{job['id']}").get_json()
    assert failed["status"] == "failed" and f"user {nowak.id} does not exist in this company" in failed["error"]


def test_an_api_token_may_start_and_fetch_exports(client, owner, finance_calls, task_queue):
    from pbx import api_tokens

    _, token = api_tokens.create(owner, "Finanse", "read")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/calls/export?format=xlsx", headers=bearer).status_code == 200
    # a read-only token may not start work on the server
    assert client.post("/api/exports?format=csv", headers=bearer).status_code == 403
    _, full = api_tokens.create(owner, "Księgowość", "full")
    db.session.commit()
    job = client.post("/api/exports?format=csv", headers={"Authorization": f"Bearer {full}"}).get_json()
    task_queue.run_pending()
    assert client.get(f"/api/exports/{job['id']}/file", headers=bearer).status_code == 200
    assert client.get("/api/calls/export").status_code == 401


def test_in_an_s3_bucket_too_and_pruned_after_a_week(ctx, as_viewer, demo, finance_calls, task_queue, bucket):
    client, name = bucket
    job = as_viewer.post("/api/exports?format=csv").get_json()
    task_queue.run_pending()
    key = f"exports/t{demo.id}/{job['id']}/calls_all.csv"
    assert client.head_object(Bucket=name, Key=key)["ContentLength"] > 0
    rows = list(csv.reader(io.StringIO(as_viewer.get(f"/api/exports/{job['id']}/file").get_data(as_text=True),
                                       newline="")))
    assert rows == [KEYS, *PLAIN]
    assert export_jobs.prune(ctx.config, datetime.now(timezone.utc) + timedelta(days=6)) == 0
    assert export_jobs.prune(ctx.config, datetime.now(timezone.utc) + timedelta(days=8)) == 1
    assert client.list_objects_v2(Bucket=name, Prefix="exports/")["KeyCount"] == 0
    assert as_viewer.get(f"/api/exports/{job['id']}").status_code == 404


def test_with_redis_away_a_background_export_is_refused_in_words_and_the_job_says_why(
        as_viewer, finance_calls, ctx, task_queue):
    from tests.support.services import free_port

    task_queue.configure(f"redis://127.0.0.1:{free_port()}/0", ctx.instance_path)  # nothing listens there
    refused = as_viewer.post("/api/exports?format=csv-excel&from=2026-03-01&to=2026-10-31", headers=PL)
    assert refused.status_code == 503 and refused.get_json()["code"] == "export.queue_away"
    assert refused.get_json()["error"] == ("Nie można teraz rozpocząć eksportu: kolejka zadań nie odpowiada. "
                                           "Spróbuj ponownie za chwilę.")
    [job] = as_viewer.get("/api/exports").get_json()
    assert job["status"] == "failed" and job["error"] == refused.get_json()["error"] and job["finished_at"]
