"""When the sync runs: after commits (debounced), on reconnect, every 5 minutes; retried while a switch is down."""
import logging

from pbx import directory, switch_sync
from pbx.extensions import db
from tests.switch_sync.conftest import later, publish, queue_tree


def queue_name(company):
    return f"t{company.tenant.id}_s{company.number.scenario.id}_sales@default"


def test_commits_in_a_burst_schedule_one_sync(ctx, company, switch, task_queue):
    huey = task_queue.huey
    huey.delete(switch_sync.DUE_KEY)
    publish(company, queue_tree(company))
    directory.update_user(company.tenant, company.users["Ala"].id, {"description": "szefowa"})
    db.session.commit()
    assert [t.name for t in huey.pending()] == ["sync_switch"]
    assert switch.sent() == []  # nothing before the debounce delay
    task_queue.run_pending(later(switch_sync.DEBOUNCE_SECONDS + 1))
    assert queue_name(company) in switch.callcenter.queues
    directory.update_user(company.tenant, company.users["Ala"].id, {"description": "prezeska"})
    db.session.commit()
    assert len(huey.pending()) == 1  # the next change asks again


def test_a_commit_without_configuration_changes_schedules_nothing(ctx, company, task_queue):
    huey = task_queue.huey
    huey.delete(switch_sync.DUE_KEY)
    db.session.commit()
    db.session.rollback()
    assert huey.pending() == []


def test_a_rolled_back_change_asks_for_no_sync(ctx, company, task_queue):
    huey = task_queue.huey
    huey.delete(switch_sync.DUE_KEY)
    directory.update_user(company.tenant, company.users["Ala"].id, {"description": "cofnięte"})
    db.session.rollback()
    db.session.commit()
    assert huey.pending() == []


def test_switch_down_retried_with_backoff_publish_unaffected(ctx, company, switch, task_queue, caplog):
    huey = task_queue.huey
    huey.delete(switch_sync.DUE_KEY)
    switch.server.stop()
    scenario, version = publish(company, queue_tree(company))
    assert scenario.published_version_id == version.id
    with caplog.at_level(logging.WARNING, "pbx.switch_sync"):
        task_queue.run_pending(later(2))
    assert "not synced" in caplog.text
    [retry] = huey.scheduled()
    assert retry.retries == switch_sync.RETRIES - 1 and retry.retry_delay == switch_sync.RETRY_DELAY * 2
    switch.server.start()
    task_queue.run_pending(later(2 + switch_sync.RETRY_DELAY + 1))
    assert queue_name(company) in switch.callcenter.queues
    assert huey.scheduled() == []


def test_task_queue_down_does_not_fail_the_commit(ctx, company, task_queue, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    task_queue.huey.delete(switch_sync.DUE_KEY)
    monkeypatch.setattr(task_queue.huey.storage, "put_if_empty", broken)
    with caplog.at_level(logging.WARNING, "pbx.switch_sync"):
        publish(company, queue_tree(company))
    assert company.number.scenario.published_version_id is not None
    assert "switch sync not requested" in caplog.text


def test_reconnect_syncs_that_switch_at_once(ctx, company, switches, task_queue):
    publish(company, queue_tree(company))
    task_queue.huey.flush()  # the publish's own sync would reach both switches
    home, other = switches
    switch_sync.sync_switch_now(("127.0.0.1", home.server.port, "ClueCon"))
    task_queue.run_pending()
    assert queue_name(company) in home.callcenter.queues
    assert other.sent() == []


def test_every_five_minutes(ctx, company, switches):
    publish(company, queue_tree(company))
    every = switch_sync.sync_switch_periodically.s()
    assert every.validate_datetime(later(0).replace(minute=35)) and not every.validate_datetime(later(0).replace(minute=36))
    switch_sync.sync_switch_periodically.call_local()
    home, other = switches
    assert queue_name(company) in home.callcenter.queues and other.callcenter.queues == {}


def test_no_sync_is_asked_for_when_switched_off(ctx, company, task_queue):
    huey = task_queue.huey
    huey.flush()
    ctx.config["SWITCH_SYNC_ON_COMMIT"] = False
    directory.update_user(company.tenant, company.users["Ala"].id, {"description": "test"})
    db.session.commit()
    ctx.config["SWITCH_SYNC_ON_COMMIT"] = True
    assert huey.pending() == []
