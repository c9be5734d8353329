"""A pure-Python model of how FreeSWITCH 1.10 plays a call through our dialplans."""

from pbx.simulator.apps import Hangup, SimulationError, UnsupportedApplication
from pbx.simulator.dialplan import UnsupportedDialplan
from pbx.simulator.engine import SimulationResult, fetch_from_document, request_form, simulate
from pbx.simulator.world import Leg, World

__all__ = [
    "Hangup", "Leg", "SimulationError", "SimulationResult", "UnsupportedApplication",
    "UnsupportedDialplan", "World", "fetch_from_document", "request_form", "simulate",
]
