"""The switch commands of the reception page, as FreeSWITCH's parsers read them (pbx/esl/commands.py names
the source of each): built only from a UUID, digits and our own names, anything else refused."""
import pytest

from pbx.esl import commands

CALL = "a800ccd8-d19d-485b-b333-ab297e4e63d5"  # the captured call 2


def test_each_command_as_freeswitch_reads_it():
    assert commands.channel_tenant(CALL) == f"uuid_getvar {CALL} centralka_tenant"
    assert commands.transfer(CALL, "105", "tenant_3") == f"uuid_transfer {CALL} 105 XML tenant_3"
    assert commands.transfer(CALL, "voicemail_9", "tenant_3") == f"uuid_transfer {CALL} voicemail_9 XML tenant_3"
    assert commands.transfer_out(CALL, "carrier", "48601200300") == (
        f"uuid_transfer {CALL} bridge:sofia/gateway/carrier/48601200300 inline")
    assert commands.announced_transfer(CALL, "loopback/105/tenant_3") == (
        f"uuid_broadcast {CALL} att_xfer::loopback/105/tenant_3 aleg")
    assert commands.hang_up(CALL) == f"uuid_kill {CALL} NORMAL_CLEARING"
    # mod_callcenter splits on spaces; a quoted status stays one argument
    assert commands.agent_status("t3_g7_u5@default", "Logged Out") == (
        "callcenter_config agent set status t3_g7_u5@default 'Logged Out'")
    assert commands.agent_status("t3_s2_sales_u5@default", "Available") == (
        "callcenter_config agent set status t3_s2_sales_u5@default Available")


@pytest.mark.parametrize("build", [
    lambda: commands.transfer(CALL + "\n\napi reload", "105", "tenant_3"),
    lambda: commands.transfer(CALL, "105 XML public", "tenant_3"),
    lambda: commands.transfer(CALL, "${sofia_contact(1000)}", "tenant_3"),
    lambda: commands.transfer(CALL, "105", "public"),
    lambda: commands.transfer_out(CALL, "carrier", "4860,hangup"),
    lambda: commands.transfer_out(CALL, "car rier", "48601200300"),
    lambda: commands.announced_transfer(CALL, "user/105@evil.example"),
    lambda: commands.hang_up("not-a-uuid"),
    lambda: commands.agent_status("someone@default", "Available"),
    lambda: commands.agent_status("t3_g7_u5@default", "Available'; reload"),
])
def test_anything_else_is_refused_before_a_command_is_built(build):
    with pytest.raises(ValueError):
        build()
