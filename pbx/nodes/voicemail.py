"""Voicemail: the box's greeting, a beep, then record the caller into the box."""
from __future__ import annotations

from pbx.dialplan import ir
from pbx.dialplan.ir import Action
from pbx.messages import Message
from pbx.nodes import register
from pbx.nodes.base import NodeKind, NodeSchema, RefId, missing_box, object_ids, seconds_text, told

BEEP = "tone_stream://%(500,0,1000)"
# record <path> <time limit s> <silence threshold> <silence hits s> (mod_dptools record_function):
# stop after 5 s of silence so a caller who just hangs up leaves no minutes of nothing.
SILENCE_THRESHOLD, SILENCE_SECONDS = 200, 5
# Less audio than this is no message (the caller hung up at the beep): it is not e-mailed.
MIN_MESSAGE_SECONDS = 1.0


class VoicemailSchema(NodeSchema):
    box = RefId("box", required=True, metadata={"summary": True})


def record_actions(box, snap, greeting: str | None) -> list[Action]:
    """Answer, the box's greeting, a beep, then record the caller into the box (also a fallback's)."""
    actions = [Action("answer")] + ([Action("playback", greeting)] if greeting else [])
    path = f"${{recordings_dir}}/{snap.tenant_id}/vm_{box.id}_${{uuid}}.wav"
    return actions + [
        Action("playback", BEEP),
        Action("set", f"centralka_voicemail_box={box.id}"),
        Action("record", f"{path} {int(box.max_seconds)} {SILENCE_THRESHOLD} {SILENCE_SECONDS}"),
        Action("hangup", "NORMAL_CLEARING"),
    ]


@register
class Voicemail(NodeKind):
    kind = "voicemail"
    schema = VoicemailSchema

    def references(self, data):
        return object_ids("box", data.get("box"))

    def check(self, node, snapshot):
        return missing_box(node.fields["box"], snapshot)

    def lint(self, node, snapshot):
        box = snapshot.boxes.get(node.fields["box"])
        if box is not None and box.greeting_id is None:
            return [Message("lint.box_no_greeting", name=box.name or box.id)]
        return []

    def lower(self, node, low):
        box = low.snap.boxes[node.fields["box"]]
        greeting = low.prompt(box.greeting_id) if box.greeting_id is not None else None
        return [ir.simple(low.dest(node.id), [*low.enter(node), *record_actions(box, low.snap, greeting)])]

    def wording(self, stop, node, events, book):
        box = book.owned("box", node.get("box"))
        recorded = next((s.details for s in events if s.kind == "recorded"), None)
        name = node.get("name") or (box.name if box is not None else stop["label"])
        emails = box.recipient_emails if box is not None else []
        text = f"voicemail {name}"
        if recorded is not None and recorded["seconds"] < MIN_MESSAGE_SECONDS:
            text += f": no message ({seconds_text(recorded['seconds'])}), no e-mail"
        elif recorded is not None:
            text += f": message {seconds_text(recorded['seconds'])} → e-mail to {len(emails)} recipient" + \
                    ("s" if len(emails) != 1 else "")
        return {"text": text, "box": box.name if box else None, "emails": emails,
                "message_seconds": recorded["seconds"] if recorded else None}

    def story(self, stop, node, events, book, language):
        said = self.wording(stop, node, events, book)
        lines = [(stop["at"], told(STORY, language, "box", name=said["box"] or stop["label"]))]
        recorded = next((s for s in events if s.kind == "recorded"), None)
        if recorded is not None:
            seconds = recorded.details["seconds"]
            key = "empty" if seconds < MIN_MESSAGE_SECONDS else "message"
            lines.append((recorded.at, told(STORY, language, key, seconds=seconds_text(seconds),
                                            emails=len(said["emails"]))))
        return lines


STORY = {"pl": {"box": "Poczta głosowa „{name}”",
                "message": "Nagrano wiadomość ({seconds}), wysłano e-mail (odbiorców: {emails})",
                "empty": "Brak wiadomości ({seconds}), e-mail nie jest wysyłany"},
         "en": {"box": "Voicemail “{name}”", "message": "Message recorded ({seconds}), e-mail sent (recipients: {emails})",
                "empty": "No message ({seconds}), no e-mail sent"}}
