"""Models of the dialplan applications a virtual PBX uses, one module per FreeSWITCH module.

`dptools` (mod_dptools), `callcenter` (mod_callcenter) and `fax` (mod_spandsp) register each application by name in
`registry`; `originate` models the legs a bridge rings, `channel` the call they act on, and
`commands` (mod_commands) the API commands sent over the event socket during a call. A new
application is a function decorated with `@application("name")` in its module's file.
"""

from pbx.simulator.apps import callcenter, dptools, fax, phone_transfer  # noqa: F401  (registers their applications)
from pbx.simulator.apps.callcenter import parse_callcenter_conf
from pbx.simulator.apps.channel import (Call, Hangup, SimulationError, Step, Transfer, UnsupportedApplication,
                                        media_duration)
from pbx.simulator.apps.originate import parse_dial_string
from pbx.simulator.apps.registry import APPS, INLINE_APPS, run

__all__ = ["APPS", "INLINE_APPS", "Call", "Hangup", "SimulationError", "Step", "Transfer",
           "UnsupportedApplication", "media_duration", "parse_callcenter_conf", "parse_dial_string", "run"]
