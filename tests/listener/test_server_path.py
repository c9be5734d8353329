"""A "Call a server" node's answer, or why there was none, in the call record's path."""
import pytest

from pbx.calls.legs import leg_facts
from pbx.calls.store import save_legs
from pbx.extensions import db
from tests.listener.test_call_records import the_record
from tests.support.streams import SHAPES, named


@pytest.mark.parametrize("path, shown", [
    (";router:fallback:timeout;no_server", ["router:fallback:timeout", "no_server"]),
    (";hours:open;router:user:101", ["hours:open", "router:user:101"])])
def test_the_server_s_outcome_is_in_the_path(ctx, company, path, shown):
    legs = []
    for headers in named("ivr_bridge_sequential", "CHANNEL_HANGUP_COMPLETE"):
        if headers.get("variable_centralka_path"):
            headers = {**headers, "variable_centralka_path": path}
        legs.append(leg_facts(headers))
    save_legs(db.session, legs)
    db.session.commit()
    assert the_record(SHAPES["ivr_bridge_sequential"]).path == shown
