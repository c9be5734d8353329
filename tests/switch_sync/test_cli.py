"""``centralka switch sync [--dry-run]``."""
from pbx.commands.switch import command
from tests.switch_sync.conftest import publish, queue_tree


def test_dry_run_prints_and_sends_nothing(ctx, company, switch, switches):
    switches[1].server.stop()
    publish(company, queue_tree(company))
    result = ctx.test_cli_runner().invoke(command, ["sync", "--dry-run"])
    queue = f"t{company.tenant.id}_s{company.number.scenario.id}_sales@default"
    assert f"  would send: callcenter_config queue load {queue}" in result.output
    assert f"{switches[1].name}: unreachable" in result.output and result.exit_code == 1
    assert switch.sent() == []


def test_sync_prints_what_it_sent(ctx, company, switch, switches):
    publish(company, queue_tree(company))
    result = ctx.test_cli_runner().invoke(command, ["sync"])
    assert result.exit_code == 0, result.output
    sent = [line.removeprefix("  sent: ") for line in result.output.splitlines() if line.startswith("  sent: ")]
    assert sent == switch.sent() + switches[1].sent()
    again = ctx.test_cli_runner().invoke(command, ["sync"])
    assert sorted(again.output.splitlines()) == sorted(f"{s.name}: 0 commands" for s in switches)
