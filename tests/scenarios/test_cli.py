import json

import pbx.cli  # noqa: F401  (registers the command areas; import it first)
from pbx.commands.scenario import command
from flask import current_app


def run(app, *args):
    return app.test_cli_runner().invoke(command, list(args))


def test_import_publish_export_rollback_diff(demo, tmp_path):
    app, ref = current_app, ["--tenant", str(demo.id), "--number", "+48221000000"]
    draft = json.loads(run(app, "export", *ref).output)
    assert run(app, "publish", *ref).exit_code == 0
    draft["root"]["closed"]["repeat"] = 3
    path = tmp_path / "s.json"
    path.write_text(json.dumps(draft))
    assert run(app, "import", *ref, str(path)).exit_code == 0
    assert "published version 2" in run(app, "publish", *ref).output
    assert run(app, "diff", *ref, "1", "2").output.strip() == "node Zamknięte: repeats changed from 1 to 3"
    assert "version 3" in run(app, "rollback", *ref, "--to", "1").output
    assert json.loads(run(app, "export", *ref, "--version", "3").output) == json.loads(
        run(app, "export", *ref, "--version", "1").output)


def test_bad_input_exits_2_and_changes_nothing(demo, tmp_path):
    app, ref = current_app, ["--tenant", str(demo.id), "--number", "+48221000000"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run(app, "import", *ref, str(bad))
    assert result.exit_code == 2 and "not JSON" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"root": {"id": "x", "kind": "forward", "target": {"user": 9999}}}))
    assert run(app, "import", *ref, str(broken)).exit_code == 0
    result = run(app, "publish", *ref)
    assert result.exit_code == 2 and "x: user 9999 does not exist" in result.output
    assert run(app, "rollback", *ref, "--to", "7").exit_code == 2
    assert run(app, "export", "--tenant", str(demo.id), "--number", "+48 22 555 00 00").exit_code == 2
