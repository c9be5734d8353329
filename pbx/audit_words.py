"""The audit log in words: who, what and a before → after by the panel's labels, in Polish or English.

The stored rows (pbx/audit.py) keep class names, ids and whole values, so nothing is lost; this
module only reads them. Names come from the row itself (a create or delete stores every field),
else from the object as it is now; a scenario's tree and dialplan are never shown, only a link to
the version diff.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy import select

from pbx import models
from pbx.extensions import db
from pbx.messages import Message
from pbx.scenarios import NOTE_WORDS, ROLLBACK_NOTE, note_words

# entity: (English, Polish accusative) with {name}
KINDS = {
    "Tenant": ("company settings", "ustawienia firmy"),
    "MainNumber": ("main number {name}", "numer główny {name}"),
    "User": ("user {name}", "użytkownika {name}"),
    "Group": ("group '{name}'", "grupę '{name}'"),
    "GroupMember": ("a member of a group: {name}", "członka grupy: {name}"),
    "NumberList": ("number list '{name}'", "listę numerów '{name}'"),
    "Announcement": ("announcement '{name}'", "zapowiedź '{name}'"),
    "VoicemailBox": ("voicemail box '{name}'", "skrzynkę głosową '{name}'"),
    "Scenario": ("the scenario of number {name}", "scenariusz numeru {name}"),
    "ScenarioVersion": ("the scenario of number {name}", "scenariusz numeru {name}"),
    "ApiToken": ("API token '{name}'", "token API '{name}'"),
    "RoutingOverride": ("the temporary override of number {name}", "tymczasową zmianę numeru {name}"),
    "ExportSchedule": ("scheduled export '{name}'", "eksport cykliczny '{name}'"),
    "ExportJob": ("an export of call records: {name}", "eksport połączeń: {name}"),
    "Recording": ("a voicemail message from {name}", "wiadomość głosową od {name}"),
    "Call": ("the call from {name}", "połączenie od {name}"),
    "QueueAgent": ("{name} in a queue", "{name} w kolejce"),
    "Contact": ("contact '{name}'", "kontakt '{name}'"),
    "Survey": ("survey '{name}'", "ankietę '{name}'"),
    "Fax": ("a fax to {name}", "faks do {name}"),
}
# What was viewed (the action "view", noted by pbx.audit.note): (English, Polish accusative) with {name}
VIEWED = {"User": ("the SIP password of user {name}", "hasło SIP użytkownika {name}")}
# The kinds offered in the filter, by the panel's menu names.
KIND_NAMES = {
    "Tenant": ("Company", "Firma"), "MainNumber": ("Main numbers", "Numery główne"),
    "User": ("Users", "Użytkownicy"), "Group": ("Groups", "Grupy"),
    "GroupMember": ("Group members", "Członkowie grup"), "NumberList": ("Number lists", "Listy numerów"),
    "Announcement": ("Announcements", "Zapowiedzi"), "VoicemailBox": ("Voicemail", "Poczta głosowa"),
    "Scenario": ("Scenarios", "Scenariusze"), "ScenarioVersion": ("Scenario versions", "Wersje scenariuszy"),
    "ApiToken": ("API tokens", "Tokeny API"), "RoutingOverride": ("Temporary overrides", "Tymczasowe zmiany"),
    "ExportSchedule": ("Scheduled exports", "Eksporty cykliczne"), "ExportJob": ("Exports", "Eksporty"),
    "Recording": ("Voicemail messages", "Wiadomości głosowe"),
    "Call": ("Calls at reception", "Połączenia w recepcji"), "QueueAgent": ("Queue members", "Członkowie kolejek"),
    "Contact": ("Contacts", "Kontakty"), "Survey": ("Surveys", "Ankiety"), "Fax": ("Faxes", "Faksy"),
}
# who changed something when no person did: (English, Polish)
MACHINES = {"demo": ("demo data", "dane przykładowe"), "system": ("the system", "system")}
ACTIONS = {"create": ("Added", "Dodano"), "update": ("Changed", "Zmieniono"), "delete": ("Deleted", "Usunięto"),
           "revoke": ("Revoked", "Unieważniono"), "view": ("Viewed", "Wyświetlono")}
# The reception page's actions (pbx/reception/actions.py): their fields are what was done.
DONE = {"pickup": ("Picked up", "Odebrano"), "transfer": ("Transferred", "Przekazano"),
        "announce": ("Announced", "Zapowiedziano"),
        "voicemail": ("Sent to voicemail", "Przekazano na pocztę głosową"), "hangup": ("Ended", "Zakończono"),
        "available": ("Logged in", "Zalogowano"), "logged_out": ("Logged out", "Wylogowano"),
        "on_break": ("Paused", "Wstrzymano"), "call": ("Called from the panel", "Wybrano z panelu"),
        "send": ("Sent", "Wysłano")}
ACTIONS.update(DONE)
LABELS = {
    "name": ("Name", "Nazwa"), "first_name": ("First name", "Imię"), "last_name": ("Last name", "Nazwisko"),
    "email": ("E-mail", "E-mail"), "phone": ("Phone", "Telefon"), "role": ("Role", "Rola"),
    "description": ("Description", "Opis"), "extension": ("Extension", "Numer wewnętrzny"),
    "may_present_main_number": ("May present the main number", "Może prezentować numer główny"),
    "always_present_main_number": ("Always presents the main number", "Zawsze prezentuje numer główny"),
    "record_calls": ("Record calls", "Nagrywanie rozmów"), "sip_password": ("SIP password", "Hasło SIP"),
    "server_secret": ("Signing key for “Call a server”", "Klucz podpisu dla „Wywołaj serwer”"),
    "admin_level": ("Panel rights", "Uprawnienia w panelu"), "ring_mode": ("Ringing", "Sposób dzwonienia"),
    "fallback_box_id": ("When nobody answers: voicemail", "Gdy nikt nie odbierze: poczta głosowa"),
    "fallback_number": ("When nobody answers: number", "Gdy nikt nie odbierze: numer"),
    "group_id": ("Group", "Grupa"), "user_id": ("User", "Użytkownik"), "position": ("Order", "Kolejność"),
    "ring_seconds": ("Ring time (s)", "Czas dzwonienia (s)"), "kind": ("Kind", "Rodzaj"),
    "patterns": ("Numbers", "Numery"), "language": ("Language", "Język"), "source": ("Source", "Źródło"),
    "text": ("Text", "Tekst"), "voice": ("Voice", "Głos"), "duration_seconds": ("Length (s)", "Długość (s)"),
    "greeting_id": ("Greeting", "Powitanie"), "extra_emails": ("Other e-mails", "Inne adresy e-mail"),
    "max_seconds": ("Longest message (s)", "Najdłuższa wiadomość (s)"), "number": ("Number", "Numer"),
    "is_primary": ("Primary", "Główny"), "label": ("Label", "Opis"),
    "target_user_id": ("Rings user", "Dzwoni do użytkownika"), "target_group_id": ("Rings group", "Dzwoni do grupy"),
    "timezone": ("Time zone", "Strefa czasowa"), "retention_days": ("Recordings kept (days)", "Nagrania przechowywane (dni)"),
    "default_fallback_box_id": ("Default voicemail", "Domyślna poczta głosowa"),
    "default_fallback_number": ("Default number", "Domyślny numer"),
    "transfer_blind_code": ("Transfer code", "Kod przełączenia"),
    "transfer_attended_code": ("Announced transfer code", "Kod przełączenia z zapowiedzią"),
    "record_code": ("Record code", "Kod nagrywania"),
    "recording_notice_id": ("Recording notice", "Oświadczenie o nagrywaniu"),
    "may_record_on_demand": ("May record on demand", "Nagrywanie na żądanie"),
    "started_by_user_id": ("Started by", "Rozpoczął"),
    "published_version_id": ("Live version", "Wersja działająca"), "note": ("Note", "Notatka"),
    "draft": ("Draft", "Szkic"), "scope": ("Rights", "Uprawnienia"),
    "ends_at": ("Until", "Do kiedy"), "mode": ("Calls go", "Połączenia idą"), "reason": ("Reason", "Powód"),
    "announcement_id": ("Announcement", "Zapowiedź"),
    "caller": ("Caller", "Dzwoniący"), "received_at": ("Left at", "Nagrana"),
    "voicemail_box_id": ("Voicemail box", "Skrzynka głosowa"),
    "receptionist": ("Reception", "Recepcja"),
    "to": ("To", "Dokąd"), "by": ("From the phone of", "Z telefonu"), "result": ("Result", "Wynik"),
    "queue": ("Queue", "Kolejka"),
    "document": ("Document", "Dokument"), "pages": ("Pages", "Strony"),
    # an entry stored before its facts were: the sentence written then, in English
    "summary": ("Details", "Szczegóły"),
    "frequency": ("How often", "Jak często"), "format": ("Format", "Format"), "filters": ("Filters", "Filtry"),
    "company": ("Company", "Firma"), "numbers": ("Numbers", "Numery"), "groups": ("Contact groups", "Grupy kontaktów"),
    "questions": ("Questions", "Pytania"), "timeout_seconds": ("Time to answer (s)", "Czas na odpowiedź (s)"),
    "comment_prompt_id": ("Comment: announcement", "Komentarz: zapowiedź"),
    "comment_seconds": ("Longest comment (s)", "Najdłuższy komentarz (s)"),
    "thanks_prompt_id": ("Thanks", "Podziękowanie"),
    "recipients": ("Recipients", "Odbiorcy"), "rows_total": ("Calls", "Połączenia"), "file_name": ("File", "Plik"),
}
# The filters of an export (a JSON object), each by its label and the object's name.
FILTER_LABELS = {"main_number": ("Main number", "Numer główny"), "user": ("User", "Użytkownik"),
                 "group": ("Group", "Grupa"), "direction": ("Direction", "Kierunek"),
                 "answered": ("Answered", "Odebrane"), "from": ("From", "Od"), "to": ("To", "Do"),
                 "lang": ("Language", "Język")}
FILTER_REFERENCES = {"main_number": models.MainNumber, "user": models.User, "group": models.Group}
# Stored values by the labels the panel gives them (webadmin/static/js/i18n.js, pages/overrides.js).
CHOICES = {
    "ring_mode": {"sequential": ("sequential", "sekwencyjnie"), "random": ("random", "losowo"),
                  "simultaneous": ("simultaneous", "jednocześnie"),
                  "longest-idle": ("longest idle", "najdłużej bezczynny")},
    "role": {"user": ("user", "użytkownik"), "admin": ("admin", "administrator")},
    "admin_level": {0: ("none", "brak"), 1: ("viewer", "podgląd"), 2: ("editor", "edycja"), 3: ("owner", "właściciel")},
    "language": {"pl": ("Polish", "polski"), "en": ("English", "angielski")},
    "kind": {"blacklist": ("blacklist", "czarna lista"), "vip": ("VIP", "VIP")},
    "source": {"tts": ("speech", "lektor"), "upload": ("file", "plik")},
    "voice": {"female": ("female", "damski"), "male": ("male", "męski")},
    "scope": {"read": ("Read only", "Tylko odczyt"), "full": ("Full access", "Pełny dostęp")},
    "mode": {"closed": ("Closed (the schedule's “closed” branch)", "Zamknięte (gałąź „zamknięte” harmonogramu)"),
             "announcement": ("An announcement, then hang up", "Zapowiedź, potem rozłączenie"),
             "user": ("To a person", "Do osoby"), "group": ("To a group", "Do grupy"),
             "number": ("To an outside number", "Na numer zewnętrzny")},
    "frequency": {"daily": ("daily", "codziennie"), "weekly": ("weekly", "co tydzień"),
                  "monthly": ("monthly", "co miesiąc")},
    "direction": {"in": ("incoming", "przychodzące"), "out": ("outgoing", "wychodzące"),
                  "internal": ("internal", "wewnętrzne")},
}
# Moments, shown in the company's time zone.
MOMENTS = {"ends_at", "received_at"}
PHONES = {"number", "phone", "fallback_number", "default_fallback_number", "caller"}
# Kept in the stored row, never shown: keys, bookkeeping, and the scenario's tree and dialplan.
HIDDEN = {"id", "tenant_id", "created_at", "draft_updated_at", "dialplan_revision", "tree", "compiled_xml",
          "compiled_meta", "scenario_id", "main_number_id", "created_by", "storage_key", "token_hash",
          "created_by_id", "last_used_at", "revoked_at", "last_period_sent"}
REFERENCES = {"group_id": models.Group, "user_id": models.User, "target_user_id": models.User,
              "target_group_id": models.Group, "fallback_box_id": models.VoicemailBox,
              "default_fallback_box_id": models.VoicemailBox, "greeting_id": models.Announcement,
              "published_version_id": models.ScenarioVersion, "announcement_id": models.Announcement,
              "voicemail_box_id": models.VoicemailBox}
WORDS = {True: ("yes", "tak"), False: ("no", "nie"), None: ("—", "—"), "changed": ("changed", "zmieniono"),
         "draft": ("saved", "zapisany"), "unknown caller": ("an unknown caller", "nieznanego numeru")}


def phone_words(number: str | None) -> str:
    """'+48221000000' as people write it: '22 100 00 00' at home, '+44 20 7946 0000' abroad."""
    try:
        parsed = phonenumbers.parse(number or "", None)
    except phonenumbers.NumberParseException:
        return number or ""
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(parsed, style.NATIONAL if parsed.country_code == 48 else style.INTERNATIONAL)


class Namer:
    """Names of a company's objects by kind and id, as they are now, for one page of entries."""

    def __init__(self, tenant_id: int, polish: bool):
        self.tenant_id, self.polish = tenant_id, polish
        self._cache: dict[tuple, str] = {}
        self._zone: ZoneInfo | None = None

    def person(self, actor: str) -> str:
        """An admin by name: 'anna@firma.pl (API token Raporty)' → 'Anna Nowak (token API Raporty)'."""
        email, _, rest = actor.partition(" (API token ")
        if email in MACHINES:
            return MACHINES[email][self.polish]
        if email.startswith("cli:"):
            return ("command line ({})", "wiersz poleceń ({})")[self.polish].format(email[4:])
        user = db.session.scalar(select(models.User).where(
            models.User.tenant_id == self.tenant_id, models.User.email == email).limit(1))
        name = user.full_name if user else email
        return f"{name} ({('API token', 'token API')[self.polish]} {rest}" if rest else name

    def of(self, model, obj_id) -> str | None:
        if obj_id is None or obj_id == "":
            return None
        key = (model, str(obj_id))
        if key not in self._cache:
            obj = db.session.get(model, int(obj_id)) if str(obj_id).isdigit() else None
            owned = obj is not None and getattr(obj, "tenant_id", self.tenant_id) == self.tenant_id
            self._cache[key] = self._name(obj) if owned else self._stored_name(model, str(obj_id))
        return self._cache[key]

    def _stored_name(self, model, obj_id: str) -> str | None:
        """A deleted object's name, from the fields its delete stored."""
        if model not in (models.User, models.Group, models.VoicemailBox, models.Announcement, models.Contact,
                         models.Survey):
            return None
        stored = db.session.scalar(select(models.AuditLogEntry.changes).where(
            models.AuditLogEntry.tenant_id == self.tenant_id, models.AuditLogEntry.entity == model.__name__,
            models.AuditLogEntry.entity_id == obj_id, models.AuditLogEntry.action == "delete").limit(1))
        if not stored:
            return None
        return f"{stored.get('first_name')} {stored.get('last_name')}" if model is models.User else stored.get("name")

    def _name(self, obj) -> str:
        if isinstance(obj, models.User):
            return obj.full_name
        if isinstance(obj, models.MainNumber):
            return phone_words(obj.number)
        if isinstance(obj, models.ScenarioVersion):
            return str(obj.number)
        if isinstance(obj, models.GroupMember):
            return f"{obj.user.full_name} → {obj.group.name}"
        if isinstance(obj, models.RoutingOverride):
            return phone_words(db.session.get(models.MainNumber, obj.main_number_id).number)
        if isinstance(obj, models.ExportJob):
            return obj.file_name
        if isinstance(obj, models.Fax):
            return phone_words(obj.number)
        if isinstance(obj, (models.Scenario,)):
            return phone_words(obj.main_number.number)
        return getattr(obj, "name", "")

    def entry(self, e: models.AuditLogEntry) -> dict:
        """The words of one stored entry: who, what, the changed fields, and where a version's diff is."""
        changes = e.changes or {}
        name = self._entity_name(e, changes)
        objects = VIEWED if e.action == "view" else KINDS
        what = f"{ACTIONS.get(e.action, (e.action, e.action))[self.polish]} " + \
            objects.get(e.entity, (e.entity, e.entity))[self.polish].format(name=name or "—")
        # A noted entry's English sentence is shown only when nothing else tells what it was.
        if e.action == "view" or len(changes) > 1:
            changes = {key: value for key, value in changes.items() if key != "summary"}
        words = {"who": self.person(e.actor), "what": what, "fields": self._fields(e.action, changes)}
        if e.entity == "ScenarioVersion" and e.action == "create":
            words.update(self._version(changes, name))
        return words

    def _entity_name(self, e, changes: dict) -> str | None:
        def now(key):
            value = changes.get(key)
            return value[1] if isinstance(value, list) and e.action == "update" and len(value) == 2 else value
        model = getattr(models, e.entity, None)
        if e.entity == "User" and now("first_name"):
            return f"{now('first_name')} {now('last_name') or ''}".strip()
        if e.entity == "MainNumber" and now("number"):
            return phone_words(now("number"))
        if e.entity == "GroupMember" and changes.get("user_id") and e.action != "update":
            return f"{self.of(models.User, changes['user_id'])} → {self.of(models.Group, changes['group_id'])}"
        if e.entity == "ScenarioVersion":
            return self.of(models.Scenario, changes.get("scenario_id"))
        if e.entity == "Recording" and "caller" in changes:
            return phone_words(changes["caller"]) or WORDS["unknown caller"][self.polish]
        if e.entity == "RoutingOverride" and "main_number_id" in changes:
            return self.of(models.MainNumber, changes["main_number_id"])
        if e.entity == "Scenario":
            return self.of(models.MainNumber, changes["main_number_id"]) if "main_number_id" in changes \
                else self.of(models.Scenario, e.entity_id)
        if isinstance(now("name"), str):
            return now("name")
        return self.of(model, e.entity_id) if model is not None and e.entity != "ApiToken" else None

    def _fields(self, action: str, changes: dict) -> list[dict]:
        shown = [(key, value) for key, value in changes.items() if key not in HIDDEN]
        if action == "update":
            return [self._change(key, value) for key, value in shown]
        side = "after" if action == "create" or action in DONE else "before"
        return [{"label": self._label(key), side: self._value(key, value)}
                for key, value in shown if value not in (None, "", [], False)]

    def _change(self, key: str, value) -> dict:
        if key == "draft" or not isinstance(value, list):
            # a scenario's draft is a whole tree, a secret is never stored: only that it changed
            return {"label": self._label(key), "after": WORDS["changed"][self.polish]}
        return {"label": self._label(key), "before": self._value(key, value[0]), "after": self._value(key, value[1])}

    def _label(self, key: str) -> str:
        return LABELS.get(key, (key, key))[self.polish]

    def _value(self, key: str, value) -> str:
        if key == "draft":
            return WORDS["draft" if value else None][self.polish]
        if key == "note":
            return note_words(value or "", self.polish)
        if key == "result" and isinstance(value, dict):  # a message by code: worded in the reader's language
            return Message.from_json(value).in_language("pl" if self.polish else "en")
        if key in REFERENCES and value is not None:
            return self.of(REFERENCES[key], value) or ("(deleted)", "(usunięty)")[self.polish]
        if key in CHOICES and isinstance(value, (str, int)) and value in CHOICES[key]:
            return CHOICES[key][value][self.polish]
        if key in MOMENTS and isinstance(value, str):
            return self._moment(value)
        if key in PHONES and isinstance(value, str):
            return phone_words(value)
        if key == "filters" and isinstance(value, dict):
            return self._filters(value)
        if key == "numbers" and isinstance(value, list):  # a contact's labelled numbers
            return ", ".join(f"{n.get('label')}: {phone_words(n.get('number'))}" if n.get("label")
                             else phone_words(n.get("number")) for n in value if isinstance(n, dict))
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        if isinstance(value, bool) or value is None:
            return WORDS[value][self.polish]
        return str(value)

    def _filters(self, filters: dict) -> str:
        parts = []
        for key, value in filters.items():
            if value is None:
                continue
            reference = FILTER_REFERENCES.get(key)
            shown = (self.of(reference, value) or ("(deleted)", "(usunięty)")[self.polish]) if reference \
                else self._value(key, value)
            parts.append(f"{FILTER_LABELS.get(key, (key, key))[self.polish]}: {shown}")
        return ", ".join(parts) or WORDS[None][self.polish]

    def _moment(self, text: str) -> str:
        """'2026-12-24T13:00:00+00:00' on the company's clock: '24.12.2026 14:00' (English: '2026-12-24 14:00')."""
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        if self._zone is None:
            self._zone = ZoneInfo(db.session.get(models.Tenant, self.tenant_id).timezone)
        local = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(self._zone)
        return local.strftime(("%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M")[self.polish])

    def _version(self, changes: dict, name: str | None) -> dict:
        """'Published the scenario of number 22 100 00 00, version 4' and the diff from the version before."""
        number, note = changes.get("number"), changes.get("note") or ""
        kind = KINDS["ScenarioVersion"][self.polish].format(name=name or "—")
        version = f"{kind}, {('version', 'wersja')[self.polish]} {number}"
        rolled_back = note_words(note, self.polish) if ROLLBACK_NOTE.fullmatch(note) else None
        words = {"what": f"{rolled_back} — {version}" if rolled_back else f"{NOTE_WORDS['published'][self.polish]} {version}"}
        scenario = db.session.get(models.Scenario, int(changes.get("scenario_id") or 0))
        if scenario is not None and scenario.tenant_id == self.tenant_id and isinstance(number, int) and number > 1:
            words["diff"] = {"main_number_id": scenario.main_number_id, "from": number - 1, "to": number}
        return words
