"""Follow-up tasks of a written batch: queued together, each one runs."""
from pbx import tasks


def test_a_batch_of_follow_ups_is_queued_whole_and_runs(ctx, task_queue, monkeypatch):
    done = []
    monkeypatch.setattr("pbx.recordings.upload", lambda recording_id, config: done.append(("upload", recording_id)))
    monkeypatch.setattr("pbx.voicemail.deliver", lambda recording_id, config: done.append(("email", recording_id)))
    tasks.after_saved([3, 1, 2], [2])
    queued = [tasks.huey.deserialize_task(data) for data in tasks.huey.storage.enqueued_items()]
    assert [(task.name, task.args) for task in queued] == [
        ("upload_recording", (3,)), ("upload_recording", (1,)), ("upload_recording", (2,)), ("email_voicemail", (2,))]
    assert tasks.run_pending() == 4
    assert done == [("upload", 3), ("upload", 1), ("upload", 2), ("email", 2)]
