"""FreeSWITCH Event Socket (inbound mode): protocol, client and event listener."""
from pbx.esl.client import AuthError, CommandError, ConnectionLost, ESLClient, ESLError, connect
from pbx.esl.listener import EventListener
from pbx.esl.protocol import Event, Frame, FrameParser, ProtocolError

__all__ = [
    "AuthError", "CommandError", "ConnectionLost", "ESLClient", "ESLError", "Event",
    "EventListener", "Frame", "FrameParser", "ProtocolError", "connect",
]
