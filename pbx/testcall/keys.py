"""The key schedule: untimed keys are pressed at the menus the call reaches, one after another."""
from __future__ import annotations

from pbx.simulator import SimulationError, SimulationResult, World

KEY_DELAY = 1.0           # an untimed key is pressed this long after its menu starts


def _collections(steps, after: float) -> list[float]:
    """When each digit collection (a menu's prompt) started, after `after`."""
    return [s.at for s in steps if s.kind == "execute" and s.details["application"]
            in ("play_and_get_digits", "read") and s.at > after]


def place_keys(play, world: World, untimed: list[str]) -> tuple[SimulationResult, list[str]]:
    """Press each untimed key at the next menu: play, find that menu's start, press, play again.

    A play without the keys yet may never end (a menu whose no-input branch leads back to it):
    the steps it made before giving up still show where the next menu starts.
    """
    result, steps, error = _attempt(play, world)
    last = -1.0
    for index, digits in enumerate(untimed):
        starts = _collections(steps, last)
        if not starts:
            if error is not None:
                raise error
            return result, untimed[index:]
        last = starts[0]
        world.keypresses = sorted(world.keypresses + [(last + KEY_DELAY, digits)], key=lambda k: k[0])
        result, steps, error = _attempt(play, world)
    if error is not None:
        raise error
    return result, []


def _attempt(play, world: World) -> tuple[SimulationResult | None, list, SimulationError | None]:
    try:
        result = play(world)
    except SimulationError as error:
        return None, getattr(error, "steps", []), error
    return result, result.steps, None
