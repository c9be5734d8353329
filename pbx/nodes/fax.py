"""Fax: answer and receive a fax (mod_spandsp ``rxfax``) into a TIFF; the listener e-mails it as PDF.

T.38 is offered and accepted (``fax_enable_t38``, ``fax_enable_t38_request``: mod_spandsp_fax.c
negotiate_t38 / request_t38 read them on the channel); a carrier that refuses T.38 leaves the fax
in G.711 audio, which spandsp demodulates itself. The box's recipients get the PDF (pbx.fax).
"""
from __future__ import annotations

from pbx.dialplan import ir
from pbx.dialplan.ir import Action
from pbx.messages import Message
from pbx.nodes import register
from pbx.nodes.base import NodeKind, NodeSchema, RefId, missing_box, object_ids, told

# spandsp's answering side gives up when no fax machine spoke within T.30's T0 (t30.c DEFAULT_TIMER_T0).
NO_FAX_SECONDS = 60
BOX_VARIABLE = "centralka_fax_box"


class FaxSchema(NodeSchema):
    box = RefId("box", required=True, metadata={"summary": True})


def fax_file(tenant_id: int, box_id: int) -> str:
    """Where spandsp writes the fax (the listener knows a received fax by the ``fax_`` name)."""
    return f"${{recordings_dir}}/{int(tenant_id)}/fax_{int(box_id)}_${{uuid}}.tif"


def receive_actions(box_id: int, tenant_id: int) -> list[Action]:
    return [Action("answer"),
            Action("set", f"{BOX_VARIABLE}={int(box_id)}"),
            Action("set", "fax_enable_t38=true"),
            Action("set", "fax_enable_t38_request=true"),
            Action("rxfax", fax_file(tenant_id, box_id)),
            Action("hangup", "NORMAL_CLEARING")]


@register
class Fax(NodeKind):
    kind = "fax"
    schema = FaxSchema

    def references(self, data):
        return object_ids("box", data.get("box"))

    def check(self, node, snapshot):
        return missing_box(node.fields["box"], snapshot)

    def lint(self, node, snapshot):
        box = snapshot.boxes.get(node.fields["box"])
        if box is not None and box.recipients == 0:
            return [Message("lint.fax_no_recipients", name=box.name or box.id)]
        return []

    def lower(self, node, low):
        actions = [*low.enter(node), *receive_actions(node.fields["box"], low.snap.tenant_id)]
        return [ir.simple(low.dest(node.id), actions)]

    def wording(self, stop, node, events, book):
        box = book.owned("box", node.get("box"))
        name = node.get("name") or (box.name if box is not None else stop["label"])
        emails = box.recipient_emails if box is not None else []
        result = next((s.details for s in events if s.kind == "fax_received"), None)
        text = f"fax {name}"
        if result is not None and result["success"]:
            text += f": {result['pages']} page" + ("s" if result["pages"] != 1 else "") + \
                    f" → PDF by e-mail to {len(emails)} recipient" + ("s" if len(emails) != 1 else "")
        elif result is not None:
            text += f": no fax ({result['text']})"
        return {"text": text, "box": box.name if box is not None else None, "emails": emails,
                "pages": result["pages"] if result else None}

    def story(self, stop, node, events, book, language):
        said = self.wording(stop, node, events, book)
        lines = [(stop["at"], told(STORY, language, "box", name=said["box"] or stop["label"]))]
        result = next((s for s in events if s.kind == "fax_received"), None)
        if result is not None and result.details["success"]:
            lines.append((result.at, told(STORY, language, "received", pages=result.details["pages"],
                                          emails=len(said["emails"]))))
        elif result is not None:
            lines.append((result.at, told(STORY, language, "none", seconds=NO_FAX_SECONDS)))
        return lines


STORY = {"pl": {"box": "Odbiór faksu do skrzynki „{name}”",
                "received": "Odebrano faks (stron: {pages}), PDF wysłany e-mailem (odbiorców: {emails})",
                "none": "Brak faksu na linii (po {seconds} s), nic nie jest wysyłane"},
         "en": {"box": "Fax received into box “{name}”",
                "received": "Fax received (pages: {pages}), PDF e-mailed (recipients: {emails})",
                "none": "No fax machine on the line (after {seconds} s), nothing is sent"}}
