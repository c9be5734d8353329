"""Where an input error is, in words: list items counted from 1, fields by their labels in the panel.

marshmallow nests a list's errors under 0-based indexes ({"members": {"0": {"ring_seconds": [...]}}});
the API keeps that structure for clients and adds these texts for people ("line 1: ring time: ...").
Messages name a field by its path (``{field:path}`` in pbx.messages' catalogues), worded here.
"""
from __future__ import annotations

from pbx.messages import SPECS

# field name: (English, Polish)
LABELS = {
    "ring_seconds": ("ring time", "czas dzwonienia"), "user_id": ("user", "użytkownik"),
    "date": ("date", "data"), "hours": ("hours", "godziny"), "name": ("name", "nazwa"),
    "week": ("opening hours", "godziny otwarcia"), "holidays": ("holidays", "święta"), "key": ("key", "klawisz"),
    "target": ("target", "cel"), "prompt": ("announcement", "zapowiedź"), "options": ("keys", "klawisze"),
    "mon": ("Monday", "poniedziałek"), "tue": ("Tuesday", "wtorek"), "wed": ("Wednesday", "środa"),
    "thu": ("Thursday", "czwartek"), "fri": ("Friday", "piątek"), "sat": ("Saturday", "sobota"),
    "sun": ("Sunday", "niedziela"),
    # a scenario node's fields, as the editor's forms label them
    "queue": ("queue", "kolejka"), "repeat": ("repeats", "powtórzenia"), "box": ("voicemail box", "skrzynka głosowa"),
    "max_wait_seconds": ("longest wait in the queue", "maksymalny czas w kolejce"),
    "announce_place": ("place in the queue announced", "komunikat o miejscu w kolejce"),
    "announce_waiting": ("callers ahead announced", "komunikat o liczbie oczekujących"),
    "announce_every_seconds": ("announcements every", "komunikaty co"), "voice": ("voice", "głos"),
    "list": ("number list", "lista numerów"), "contact_group": ("contact group", "grupa kontaktów"),
    "start": ("from", "od"), "end": ("until", "do"), "all_contacts": ("every contact", "wszystkie kontakty"),
    # a contact's fields, also in an import's per-record report
    "numbers": ("numbers", "numery"), "groups": ("contact groups", "grupy kontaktów"), "company": ("company", "firma"),
    "note": ("note", "notatka"), "label": ("label", "opis"), "rows": ("contacts", "kontakty"),
    "invalid_prompt": ("announcement after a wrong key", "zapowiedź po błędnym wyborze"),
    "timeout_seconds": ("time to choose", "czas na wybór"), "direct_dial": ("direct dial", "wybieranie wewnętrznych"),
    "exceptions": ("exceptions", "wyjątki"), "id": ("node id", "identyfikator węzła"),
    "url": ("server address", "adres serwera"), "timeout_ms": ("time for the server to answer", "czas na odpowiedź serwera"),
    "answers": ("answers", "odpowiedzi"), "target_user": ("the server may name a user", "serwer może wskazać użytkownika"),
    "target_group": ("the server may name a group", "serwer może wskazać grupę"),
    "target_number": ("the server may name an external number", "serwer może wskazać numer zewnętrzny"),
    # a test call's and a schedule preview's questions
    "at": ("time of the call", "czas połączenia"), "number": ("number", "numer"), "from": ("caller", "dzwoniący"),
    "keys": ("keys pressed", "naciśnięte klawisze"), "talk": ("talk time", "czas rozmowy"),
    "speech": ("speech time", "czas mówienia"), "waiting": ("waiting times", "czasy oczekiwania"),
    "busy_until": ("busy until", "zajęci do"), "transfers": ("phone transfers", "przełączenia z telefonu"),
    "record": ("record code presses", "naciśnięcia kodu nagrywania"), "answer": ("who answers", "kto odbiera"),
    "no_answer": ("who does not answer", "kto nie odbiera"), "busy": ("who is busy", "kto jest zajęty"),
    "unreachable": ("who is unreachable", "kto jest nieosiągalny"), "hangup_after": ("hang up after", "rozłącz po"),
    "seed": ("seed", "ziarno"), "step": ("step", "krok"), "fax_pages": ("fax pages sent", "strony faksu"),
    "switch_timezone": ("switch time zone", "strefa czasowa centrali"),
    "sounds_dir": ("sounds folder", "folder dźwięków"), "recordings_dir": ("recordings folder", "folder nagrań"),
}
# path parts that add no words: a mapping's value, a schema's own errors
SILENT = {"value", "_schema"}
# a list's item by its number: (English, Polish)
ITEMS = {"exceptions": ("Exception {n}", "Wyjątek {n}"), "members": ("Member {n}", "Członek {n}"),
         "options": ("Option {n}", "Opcja {n}")}
LINE = ("line {n}", "wiersz {n}")


def _is_index(key: str) -> bool:
    """A list item's index as marshmallow writes it ("0"), not any text of digits ("²")."""
    return key.isascii() and key.isdigit()


def readable(messages: dict, polish: bool) -> dict[str, str]:
    """Each top-level field with nested errors (list items, sub-fields) as one text, items numbered from 1."""
    return {key: _text(value, polish) for key, value in messages.items() if isinstance(value, dict)}


def _text(messages, polish: bool) -> str:
    if isinstance(messages, str):
        return messages
    if isinstance(messages, list):
        return " ".join(_text(message, polish) for message in messages)
    return "; ".join(_text(value, polish) if key == "_schema" else f"{_name(str(key), polish)}: {_text(value, polish)}"
                     for key, value in messages.items())


def _name(key: str, polish: bool) -> str:
    if _is_index(key):
        return LINE[polish].format(n=int(key) + 1)
    return LABELS.get(key, (key, key))[polish]


def path_words(path: str, polish: bool) -> str:
    """A field path in words: "exceptions.0.date" → "Wyjątek 1: data" (Polish) or "Exception 1: date";
    "ring_seconds" → "czas dzwonienia" (a message puts it where a sentence needs it)."""
    parts, words = path.split("."), []
    for index, part in enumerate(parts):
        if _is_index(part) or part in SILENT:
            continue
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if _is_index(following):
            words.append(ITEMS.get(part, (f"{part} {{n}}",) * 2)[polish].format(n=int(following) + 1))
        else:
            words.append(LABELS.get(part, (f"field {part}", f"pole {part}"))[polish])
    return ": ".join(words)


# A message's "{field:path}" is a field's path in words, in the message's language.
SPECS["path"] = lambda path, language: path_words(str(path), polish=language == "pl")
