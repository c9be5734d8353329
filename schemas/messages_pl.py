"""Polish texts of the API's error messages, for admins who use the panel in Polish.

The API speaks English (its clients rely on stable texts); a request that prefers Polish gets
each message through ``translate``. The catalogue pairs a regular expression over the whole
English message with a Polish template whose ``{names}`` are the pattern's named groups. Some
groups are converted on the way (see ``_CONVERT``): model names, counts that need a Polish plural,
and places that are messages themselves. Values the user typed are kept as they were quoted.
The scenario editor's texts (checker and version diff) have a catalogue of their own.

``prefers_polish`` tells whether a request's Accept-Language gets the Polish texts.
"""
from __future__ import annotations

import re
from typing import Any

from schemas.field_words import path_words

# Lower-case model class name: (singular, plural), as in "User 5 does not exist in this company".
_MODELS = {
    "user": ("Użytkownik", "Użytkownicy"),
    "group": ("Grupa", "Grupy"),
    "mainnumber": ("Numer główny", "Numery główne"),
    "numberlist": ("Lista numerów", "Listy numerów"),
    "announcement": ("Zapowiedź", "Zapowiedzi"),
    "voicemailbox": ("Skrzynka głosowa", "Skrzynki głosowe"),
    "recording": ("Nagranie", "Nagrania"),
    # as the scenario checker names them
    "main number": ("Numer główny", "Numery główne"),
    "voicemail box": ("Skrzynka głosowa", "Skrzynki głosowe"),
    "number list": ("Lista numerów", "Listy numerów"),
}

# What a refused delete names (pbx/directory.py); the participle agrees with the noun's gender.
_DELETED = {
    "user": "użytkownik {name} jest używany",
    "group": "grupa {name} jest używana",
    "announcement": "zapowiedź {name} jest używana",
    "voicemail box": "skrzynka głosowa {name} jest używana",
    "number list": "lista numerów {name} jest używana",
}

_COMPARISONS = {
    "greater than or equal to": "większa lub równa",
    "greater than": "większa niż",
    "less than or equal to": "mniejsza lub równa",
    "less than": "mniejsza niż",
}


def _plural(one: str, few: str, many: str):
    """'1 bajt', '3 bajty', '5 bajtów', '22 bajty', '12 bajtów'."""

    def count(number: str) -> str:
        n = int(number)
        word = one if n == 1 else few if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else many
        return f"{number} {word}"

    return count


def _places(text: str) -> str:
    return "; ".join(translate(place) for place in text.split("; "))


def _branch(place: str) -> str:
    """Where a moved node was or went (pbx/scenarios.diff), in the genitive after "z" and "do"."""
    return "początku scenariusza" if place == "the top" else f"gałęzi {place}"


_bytes = _plural("bajt", "bajty", "bajtów")

_CONVERT = {
    "model": lambda name: _MODELS[name.lower()][0],
    "models": lambda name: _MODELS[name.lower()][1],
    "digits": _plural("cyfrę", "cyfry", "cyfr"),
    "size": _bytes,
    "limit": _bytes,
    "place": lambda text: translate(text),
    "places": _places,
    "scenario": lambda name: "bez nazwy" if name == "without a name" else name,
    "low": _COMPARISONS.__getitem__,
    "high": _COMPARISONS.__getitem__,
    "op": _COMPARISONS.__getitem__,
    "nodes": _plural("węzeł", "węzły", "węzłów"),
    "calls": _plural("połączenie", "połączenia", "połączeń"),
    "rows": _plural("wiersz", "wiersze", "wierszy"),
    "levels": _plural("poziom", "poziomy", "poziomów"),
    # a node field's message as the scenario parser prefixes it with the field's path
    "field": lambda path: path_words(path, polish=True),
    "message": lambda text: translate(text),
    "from_branch": _branch,
    "to_branch": _branch,
}

_QUOTED = r"(?P<value>'.*'|\".*\")"  # a value as Python's repr() quotes it
_MODEL_NAMES = "|".join(_MODELS)
_NOT_A_PHONE = _QUOTED + r" is not a phone number: "
# A value as pbx/scenarios.diff writes it (JSON): a string whole, so that " to " inside it does not split it.
_JSON = r'"(?:[^"\\]|\\.)*"|[^"\s\[{]\S*|[\[{].*?'

# Messages without variable parts.
_LITERAL = {
    # the reception page (webadmin/reception.py, pbx/reception/actions.py)
    "done": "wykonano",
    "the call is on its way to your phone": "Połączenie jest przekazywane na Twój telefon.",
    "the call was ended": "Połączenie zakończono.",
    "this call has already ended: the caller hung up or someone else took it":
        "To połączenie już się zakończyło: dzwoniący się rozłączył albo ktoś inny je odebrał.",
    "there is no such call in your company": "W Twojej firmie nie ma takiego połączenia.",
    "the switch did not answer: try again in a moment": "Centrala nie odpowiedziała: spróbuj za chwilę.",
    "you have neither an extension nor a phone number to take the call on":
        "Nie masz ani numeru wewnętrznego, ani numeru telefonu, na który można przekazać połączenie.",
    "choose one place to send the call: user, group, extension, number or box":
        "Wybierz jedno miejsce, do którego trafi połączenie: użytkownika, grupę, numer wewnętrzny, numer albo skrzynkę.",
    "you are not talking with this caller: pick the call up first, then announce it":
        "Nie rozmawiasz z tym dzwoniącym: najpierw odbierz połączenie, potem je zapowiedz.",
    "there is no such queue member in your company": "W Twojej firmie nie ma takiego członka kolejki.",
    "status is one of available, logged_out, on_break": "Stan to jedno z: available, logged_out, on_break.",
    "the reception page is for receptionists: an admin gives the right in the user's settings":
        "Strona recepcji jest dla recepcjonistów: uprawnienie nadaje administrator w ustawieniach użytkownika.",
    "too many reception pages are open on this server: the page tries again in a moment":
        "Na tym serwerze otwarto za dużo stron recepcji: strona spróbuje ponownie za chwilę.",
    # marshmallow's defaults for the fields, validators and schemas in use
    "Missing data for required field.": "To pole jest wymagane.",
    "Field may not be null.": "To pole nie może być puste.",
    "Invalid value.": "Nieprawidłowa wartość.",
    "Unknown field.": "Nieznane pole.",
    "Invalid input type.": "Nieprawidłowy typ danych.",
    "Invalid type.": "Nieprawidłowy typ.",
    "Not a valid string.": "To nie jest tekst.",
    "Not a valid utf-8 string.": "To nie jest poprawny tekst w UTF-8.",
    "Not a valid integer.": "To nie jest liczba całkowita.",
    "Number too large.": "Liczba jest za duża.",
    "Not a valid boolean.": "To nie jest wartość logiczna (prawda lub fałsz).",
    "Not a valid email address.": "To nie jest poprawny adres e-mail.",
    "Not a valid list.": "To nie jest lista.",
    # the JSON error responses
    "invalid input": "Nieprawidłowe dane.",
    "The browser (or proxy) sent a request that this server could not understand.":
        "Serwer nie zrozumiał żądania wysłanego przez przeglądarkę (lub serwer pośredniczący).",
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling "
    "and try again.":
        "Na serwerze nie ma takiego adresu URL. Jeśli adres wpisano ręcznie, sprawdź jego pisownię i spróbuj ponownie.",
    "The method is not allowed for the requested URL.": "Ta metoda nie jest dozwolona dla tego adresu URL.",
    "The data value transmitted exceeds the capacity limit.": "Przesłane dane przekraczają dopuszczalny rozmiar.",
    "The server encountered an internal error and was unable to complete your request. Either the server is "
    "overloaded or there is an error in the application.":
        "Wystąpił wewnętrzny błąd serwera i nie udało się obsłużyć żądania. Serwer jest przeciążony "
        "albo w aplikacji wystąpił błąd.",
    # schemas
    "a phone number is required": "Numer telefonu jest wymagany.",
    "choose a user or a group, not both": "Wybierz albo użytkownika, albo grupę, nie jedno i drugie.",
    "cannot always present the main number without being allowed to":
        "Nie można zawsze prezentować numeru głównego bez uprawnienia do prezentowania go.",
    "a user may be in a group only once": "Użytkownik może należeć do grupy tylko raz.",
    "a text-to-speech announcement needs its text": "Zapowiedź czytana przez lektora musi mieć tekst.",
    "a voicemail box needs at least one recipient": "Skrzynka głosowa musi mieć co najmniej jednego odbiorcę.",
    # pbx
    "the mp3 has no audio": "Plik mp3 nie zawiera dźwięku.",
    "the mp3 takes too long to decode": "Dekodowanie pliku mp3 trwa zbyt długo.",
    "a company always has a primary number: make another number primary instead":
        "Firma zawsze ma numer podstawowy: zamiast tego ustaw inny numer jako podstawowy.",
    "the primary number cannot be deleted: make another number primary first":
        "Nie można usunąć numeru podstawowego: najpierw ustaw inny numer jako podstawowy.",
    "the scenario has no draft to publish": "Scenariusz nie ma szkicu do opublikowania.",
    "hold is true or false": "Pole hold musi mieć wartość true albo false.",
    "no such recording": "Nie ma takiego nagrania.",
    "give the caller number (?caller=...)": "Podaj numer dzwoniącego (?caller=...).",
    # webadmin
    "sign in first": "Najpierw się zaloguj.",
    "your admin rights do not allow this": "Twoje uprawnienia administratora na to nie pozwalają.",
    "give the e-mail address or phone number you sign in with":
        "Podaj adres e-mail lub numer telefonu, którym się logujesz.",
    "send JSON (Content-Type: application/json)": "Wyślij dane jako JSON (Content-Type: application/json).",
    "too many sign-in attempts: wait before trying again": "Zbyt wiele prób logowania: odczekaj i spróbuj ponownie.",
    "cross-site request refused: changes are accepted only from the panel's own pages":
        "Odrzucono żądanie z innej witryny: zmiany są przyjmowane tylko ze stron panelu.",
    "missing or wrong CSRF token: send the X-CSRF-Token header": "Brak lub błędny token CSRF: wyślij nagłówek X-CSRF-Token.",
    "this API token is not valid (revoked, or its owner lost the rights)":
        "Ten token API jest nieważny (unieważniony albo jego właściciel stracił uprawnienia).",
    "this API token is read-only": "Ten token API pozwala tylko na odczyt.",
    "give the token a name (1-80 characters)": "Nadaj tokenowi nazwę (1–80 znaków).",
    "scope is 'read' or 'full'": "Zakres to 'read' (tylko odczyt) albo 'full' (pełny dostęp).",
    "no such API token": "Nie ma takiego tokenu API.",
    "API tokens are managed in the panel, not with an API token":
        "Tokenami API zarządza się w panelu, nie tokenem API.",
    "e-mail and code are required": "Adres e-mail i kod są wymagane.",
    "wrong or expired code": "Błędny lub wygasły kod.",
    "only an owner (level 3) grants admin rights or changes an admin's sign-in address":
        "Tylko właściciel (poziom 3) nadaje uprawnienia administratora i zmienia adres logowania administratora.",
    "only an owner (level 3) deletes admins": "Tylko właściciel (poziom 3) może usuwać administratorów.",
    "you cannot delete yourself": "Nie możesz usunąć samego siebie.",
    "choose an mp3 file": "Wybierz plik mp3.",
    "the speech synthesizer is not available; try again later":
        "Syntezator mowy jest niedostępny; spróbuj ponownie później.",
    "this announcement has no sound file yet": "Ta zapowiedź nie ma jeszcze pliku dźwiękowego.",
    "the recording cannot be read from storage now; try again later":
        "Nie można teraz odczytać nagrania z magazynu; spróbuj ponownie później.",
    "the scenario has no draft": "Scenariusz nie ma szkicu.",
    "give the version number to roll back to": "Podaj numer wersji, którą chcesz przywrócić.",
    "compare version numbers or 'draft'": "Porównywać można numery wersji albo 'draft'.",
    "send a JSON object": "Wyślij obiekt JSON.",
    # webadmin/testcall.py (after "<field>: ", which the field catch-all translates)
    'a list of durations (e.g. [20, "45s"])': 'Lista czasów trwania (np. [20, "45s"]).',
    'an object of names and durations (e.g. {"Anna": "40s"})':
        'Obiekt z osobami i czasami trwania (np. {{"Anna": "40s"}}).',
    # pbx/app.py: the database is away, or refuses a value
    "the database is not available now; try again in a moment":
        "Baza danych jest teraz niedostępna; spróbuj ponownie za chwilę.",
    "a value of this request cannot be used: a number out of range or a NUL character":
        "Nie można użyć wartości z tego żądania: liczba spoza zakresu albo znak NUL.",
    # a user's SIP account and a box's voicemail inbox
    "only an owner (level 3) sees or renews an admin's SIP password":
        "Hasło SIP administratora widzi i zmienia tylko właściciel (poziom 3).",
    "no such voicemail message": "Nie ma takiej wiadomości głosowej.",
    "heard is true or false": "Pole „odsłuchana” przyjmuje wartość true albo false.",
    "a voicemail under legal hold cannot be deleted: release the hold first":
        "Wiadomości z blokadą usunięcia nie można usunąć: najpierw zdejmij blokadę.",
    # webadmin/reports.py
    "the period ends before it starts: choose 'to' on or after 'from'":
        "Okres kończy się przed swoim początkiem: wybierz „do” nie wcześniej niż „od”.",
    "a report covers at most 366 days: choose a shorter period":
        "Raport obejmuje najwyżej 366 dni: wybierz krótszy okres.",
}

# Messages with values; the first match wins, so the narrower patterns come first.
_PATTERNED = [
    # marshmallow's validate.Length, validate.Range and validate.OneOf
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", "Długość musi wynosić od {min} do {max}."),
    (r"Shorter than minimum length (?P<min>\d+)\.", "Długość musi wynosić co najmniej {min}."),
    (r"Longer than maximum length (?P<max>\d+)\.", "Długość może wynosić najwyżej {max}."),
    (r"Length must be (?P<equal>\d+)\.", "Długość musi wynosić dokładnie {equal}."),
    (r"Must be greater than or equal to (?P<min>.+?) and less than or equal to (?P<max>.+)\.",
     "Wartość musi być z przedziału od {min} do {max}."),
    (r"Must be (?P<low>greater than(?: or equal to)?) (?P<min>.+?) and (?P<high>less than(?: or equal to)?) "
     r"(?P<max>.+)\.", "Wartość musi być {low} {min} i {high} {max}."),
    (r"Must be (?P<op>(?:greater|less) than(?: or equal to)?) (?P<bound>.+)\.", "Wartość musi być {op} {bound}."),
    (r"Must be one of: (?P<choices>.*)\.", "Dozwolone wartości: {choices}."),
    # schemas/fields.py
    (_NOT_A_PHONE + r"letters are not allowed", "{value} nie jest numerem telefonu: litery są niedozwolone."),
    (_NOT_A_PHONE + r"only digits, spaces, '-', '\(' '\)' and a leading '\+' are allowed",
     "{value} nie jest numerem telefonu: dozwolone są tylko cyfry, spacje, '-', '(' ')' i '+' na początku."),
    # phonenumbers' NumberParseException, by its error type
    (_NOT_A_PHONE + r"\(0\) .*", "{value} nie jest numerem telefonu: nieznany numer kierunkowy kraju."),
    (_NOT_A_PHONE + r"\(1\) .*", "{value} nie jest numerem telefonu."),
    (_NOT_A_PHONE + r"\(2\) .*", "{value} nie jest numerem telefonu: za mało cyfr po prefiksie międzynarodowym."),
    (_NOT_A_PHONE + r"\(3\) .*", "{value} nie jest numerem telefonu: za mało cyfr."),
    (_NOT_A_PHONE + r"\(4\) .*", "{value} nie jest numerem telefonu: za dużo cyfr."),
    (_QUOTED + r" has (?P<digits>\d+) digits: a Polish number has 9, an international one starts with \+ or 00",
     "{value} ma {digits}: polski numer ma 9 cyfr, a międzynarodowy zaczyna się od + lub 00."),
    (_QUOTED + r" is not a valid number for its country \(wrong length or unknown prefix\)",
     "{value} nie jest prawidłowym numerem w swoim kraju (zła długość lub nieznany prefiks)."),
    (r"control character U\+(?P<code>[0-9A-F]{4,6}) is not allowed", "Znak sterujący U+{code} jest niedozwolony."),
    (r"extension " + _QUOTED + r" must be 2 to 6 digits", "Numer wewnętrzny {value} musi mieć od 2 do 6 cyfr."),
    (_QUOTED + r" is not an IANA time zone \(e\.g\. Europe/Warsaw\)",
     "{value} nie jest strefą czasową IANA (np. Europe/Warsaw)."),
    # schemas/base.py, schemas/directory.py, schemas/scenario.py
    (rf"(?P<model>(?i:{_MODEL_NAMES})) (?P<id>\d+) does not exist in this company",
     "{model} {id} nie istnieje w tej firmie."),
    (rf"(?P<models>(?i:{_MODEL_NAMES})) (?P<ids>\d+(?:, \d+)+) does not exist in this company",
     "{models} {ids} nie istnieją w tej firmie."),
    (r"extension (?P<extension>\d+) is already used by a user",
     "Numer wewnętrzny {extension} jest już używany przez użytkownika."),
    (r"extension (?P<extension>\d+) is already used by a group",
     "Numer wewnętrzny {extension} jest już używany przez grupę."),
    (r"a company named " + _QUOTED + r" already exists", "Firma o nazwie {value} już istnieje."),
    (r"(?P<number>\+\d+) is already a main number", "Numer {number} jest już numerem głównym."),
    (_QUOTED + r" is not a number or a prefix ending in '\*'",
     "{value} nie jest numerem ani prefiksem zakończonym znakiem '*'."),
    (_QUOTED + r" would match every caller: put the start of the numbers before '\*' \(e\.g\. \+4822\*\)",
     "{value} pasowałby do każdego dzwoniącego: przed '*' wpisz początek numerów (np. +4822*)."),
    (r"recording (?P<id>\d+) expired on (?P<day>\d{4}-\d\d-\d\d): it is no longer available",
     "Nagranie {id} wygasło {day}: nie jest już dostępne."),
    (r"a scenario may be at most (?P<kib>\d+) KiB of JSON", "Scenariusz może mieć najwyżej {kib} KiB w formacie JSON."),
    # pbx/prompts.py, webadmin/announcements.py
    (r"the file has (?P<size>\d+) bytes; an announcement may have at most (?P<limit>\d+) \(2 MB\)",
     "Plik ma {size}; zapowiedź może mieć najwyżej {limit} (2 MB)."),
    (r"the file is not an mp3 \((?P<error>\w+)\)", "To nie jest plik mp3 ({error})."),
    (r"an announcement may have at most (?P<limit>\d+) bytes \(2 MB\)", "Zapowiedź może mieć najwyżej {limit} (2 MB)."),
    (r"the file is not an mp3: its content is in the (?P<format>\w+) format",
     "To nie jest plik mp3: jego zawartość jest w formacie {format}."),
    (r"the file is not an mp3: (?P<detail>.+)", "To nie jest plik mp3: {detail}."),
    (r"the mp3 is damaged: (?P<detail>.+)", "Plik mp3 jest uszkodzony: {detail}."),
    (r"the mp3 is cut short: its header promises (?P<promised>[\d.]+) s, only (?P<decoded>[\d.]+) s decode",
     "Plik mp3 jest ucięty: według nagłówka trwa {promised} s, a odtworzyć da się tylko {decoded} s."),
    (r"the recording lasts over (?P<seconds>\d+) s; an announcement may last at most (?P=seconds) s \(10 minutes\)",
     "Nagranie trwa ponad {seconds} s; zapowiedź może trwać najwyżej {seconds} s (10 minut)."),
    # schemas/fields.py (webadmin/calls.py, pbx/schedule_preview.py)
    (_QUOTED + r" is outside the years (?P<first>\d+)-(?P<last>\d+)", "{value} wykracza poza lata {first}–{last}."),
    # pbx/queues.py
    (_QUOTED + r" is not a date-time like 2026-12-24T14:00",
     "{value} nie jest datą i godziną w formacie 2026-12-24T14:00."),
    # schemas/override.py
    (_QUOTED + r" is in the past: an override must end later than now",
     "{value} już minęło: zmiana musi trwać do chwili w przyszłości."),
    (_QUOTED + r" does not exist in (?P<zone>[\w/+-]+) \(a clock change\): choose another time",
     "{value} nie istnieje w strefie {zone} (zmiana czasu): wybierz inną godzinę."),
    (_QUOTED + r" happens twice in (?P<zone>[\w/+-]+) \(a clock change\): choose another time",
     "{value} występuje dwa razy w strefie {zone} (zmiana czasu): wybierz inną godzinę."),
    (r"choose where the calls go: (?P<mode>announcement|user|group|number) needs (?P<field>\w+)",
     "Wybierz, dokąd mają trafiać połączenia."),
    # pbx/testcall.py (after "at: ", which the field catch-all translates)
    (r"the year must be between (?P<first>\d+) and (?P<last>\d+), not (?P<year>\d+)",
     "Rok musi być z przedziału od {first} do {last}, a nie {year}."),
    (r"(?P<value>'.*'|\".*\"|[\w.+-]+) is not a duration like 40s, 1\.5m or 90",
     "{value} nie jest czasem trwania (np. 40s, 1.5m albo 90)."),
    (_QUOTED + r" is not NAME=SECONDS \(e\.g\. Anna=40s\)", "{value} nie ma postaci OSOBA=SEKUNDY (np. Anna=40s)."),
    (_QUOTED + r" is no user, group or phone number of this company",
     "{value}: w tej firmie nie ma takiej osoby, grupy ani numeru telefonu."),
    (_QUOTED + r" names (?P<count>\d+) people: use the full name or extension",
     "{value} pasuje do {count} osób: podaj imię i nazwisko albo numer wewnętrzny."),
    (_QUOTED + r" is not an absolute folder path like /var/lib/freeswitch",
     "{value} nie jest bezwzględną ścieżką folderu (np. /var/lib/freeswitch)."),
    # webadmin/calls.py
    (_QUOTED + r" is not a date like 31\.12\.2026 or 2026-12-31", "{value} nie jest datą (np. 31.12.2026 albo 2026-12-31)."),
    # pbx/exports.py
    (r"the export has (?P<calls>\d+) calls; one file holds at most (?P<rows>\d+): choose a shorter period \(from, to\)"
     r" or run it as a background export",
     "Eksport obejmuje {calls}; jeden plik mieści najwyżej {rows}: wybierz krótszy okres (od, do) "
     "albo uruchom eksport w tle."),
    # schemas/exports.py
    (r"the last day comes before the first", "Ostatni dzień jest wcześniejszy niż pierwszy."),
    # webadmin/exports.py
    (r"the export is not ready yet: (?P<done>\d+) of (?P<total>\d+) calls written",
     "Eksport nie jest jeszcze gotowy: zapisano {done} z {total} połączeń."),
    (r"the export cannot be read from storage now; try again later",
     "Nie można teraz odczytać eksportu z magazynu; spróbuj ponownie później."),
    # webadmin/reports.py
    (r"the (?P<report>[a-z-]+) report takes no (?P<name>\w+)", "Raport {report} nie przyjmuje parametru {name}."),
    (r"no report named (?P<report>'[^']*'): choose one of (?P<names>.+)",
     "Nie ma raportu o nazwie {report}: wybierz jeden z: {names}."),
    # pbx/schedule_preview.py
    (r"the preview needs (?P<needed>\d+) probes \((?P<count>\d+) schedule\(s\) × the range ÷ step\); at most "
     r"(?P<most>\d+): shorten the range or use a longer step",
     "Podgląd wymaga {needed} prób ({count} harmonogram(y) × zakres ÷ krok); najwyżej {most}: "
     "skróć zakres albo wydłuż krok."),
    # pbx/tenancy.py, pbx/scenarios.py
    (r"no company with id or name " + _QUOTED, "Nie ma firmy o identyfikatorze ani nazwie {value}."),
    (r"main number (?P<number>\+\d+) is not a number of this company",
     "Numer główny {number} nie należy do tej firmy."),
    (r"main number (?P<number>\+\d+) has no scenario", "Numer główny {number} nie ma scenariusza."),
    (r"the scenario has no version (?P<number>\d+)", "Scenariusz nie ma wersji {number}."),
    # The places a refused delete names (pbx/scenarios.references_to); lower case, as the panel
    # puts them after "Nie można usunąć: ". The group place holds places itself, joined by "; ".
    (r"scenario (?P<scenario>.+) \((?P<number>\+\d+)\): the scenario of this number",
     "scenariusz {scenario} ({number}): scenariusz tego numeru"),
    (r"scenario (?P<scenario>.+) \((?P<number>\+\d+)\), draft, node (?P<node>.+)",
     "scenariusz {scenario} ({number}), szkic, węzeł {node}"),
    (r"scenario (?P<scenario>.+) \((?P<number>\+\d+)\), published version (?P<version>\d+), node (?P<node>.+)",
     "scenariusz {scenario} ({number}), opublikowana wersja {version}, węzeł {node}"),
    (r"main number (?P<number>\+\d+) rings this user directly",
     "numer główny {number} dzwoni bezpośrednio do tego użytkownika"),
    (r"main number (?P<number>\+\d+) rings this group directly",
     "numer główny {number} dzwoni bezpośrednio do tej grupy"),
    (r"group (?P<name>.+?): its only member; the group is used by (?P<places>.+)",
     "grupa {name} (jako jej jedyny członek), a ta grupa jest używana przez: {places}"),
    (r"voicemail box (?P<name>.+?): its only recipient", "skrzynka głosowa {name} (jako jej jedyny odbiorca)"),
    (r"voicemail box (?P<name>.+?): its greeting", "skrzynka głosowa {name} (jako jej powitanie)"),
    (r"group (?P<name>.+?): its fallback", "grupa {name} (gdy nikt z grupy nie odbiera)"),
    (r"main number (?P<number>\+\d+): its fallback", "numer główny {number} (gdy nikt nie odbiera)"),
    (r"the company's default fallback", "domyślne miejsce firmy na nieodebrane połączenia"),
    (r"user (?P<name>.+?) has no extension, so no phone can sign in as them: give them one first",
     "Użytkownik {name} nie ma numeru wewnętrznego, więc żaden telefon nie zaloguje się na jego konto: "
     "najpierw nadaj mu numer."),
    # schemas/directory.py: a group's, a main number's and the company's fallback
    (r"choose a voicemail box or a number, not both", "Wybierz skrzynkę głosową albo numer, nie oba naraz."),
    # the reception page (webadmin/reception.py, pbx/reception/actions.py)
    (r"the call was transferred to (?P<target>.+)", "Połączenie przekazano: {target}."),
    (r"your phone is calling (?P<target>.+): introduce the caller and hang up to join them, or press # to go back "
     r"to the caller",
     "Twój telefon dzwoni do: {target}. Przedstaw dzwoniącego i odłóż słuchawkę, by ich połączyć, "
     "albo naciśnij #, by wrócić do dzwoniącego."),
    (r"the caller is leaving a message in (?P<box>.+)", "Dzwoniący nagrywa wiadomość w skrzynce {box}."),
    (r"(?P<user>.+?) takes calls from (?P<queue>.+) again", "{user} znów odbiera połączenia z kolejki {queue}."),
    (r"(?P<user>.+?) is logged out of (?P<queue>.+)", "{user} jest wylogowany(-a) z kolejki {queue}."),
    (r"(?P<user>.+?) is on a break from (?P<queue>.+)", "{user} ma przerwę w kolejce {queue}."),
    (r"(?P<user>.+?) has neither an extension nor a phone number to ring",
     "{user} nie ma ani numeru wewnętrznego, ani numeru telefonu, na który można przekazać połączenie."),
    (r"group '(?P<name>.+)' has no extension to transfer to",
     "Grupa '{name}' nie ma numeru wewnętrznego, na który można przekazać połączenie."),
    (r"extension (?P<value>'.*') belongs to nobody in this company",
     "Numer wewnętrzny {value} nie należy do nikogo w tej firmie."),
    (_QUOTED + r" is not a call id", "{value} nie jest identyfikatorem połączenia."),
    (r"the switch refused: (?P<reply>.+)", "Centrala odmówiła: {reply}"),
    (r"not on every switch: (?P<reply>.+)", "Nie na każdej centrali: {reply}"),
    # pbx/directory.py: "<what> is used by <place>", after the places so that a group place stays one
    *((rf"{what} (?P<name>.+?) is used by (?P<place>.+)", polish + " przez: {place}")
      for what, polish in _DELETED.items()),
]

# The scenario editor's texts: the checker's errors and warnings (pbx/compiler, pbx/nodes) and the
# version diff's lines (pbx/scenarios.diff), which webadmin/scenarios.py translates.
_SCENARIO_LITERAL = {
    "the scenario has errors": "Scenariusz zawiera błędy.",
    "Not a valid mapping type.": "To nie jest obiekt JSON.",  # marshmallow's, for a node's dict fields
    "a scenario is an object with a `root` node": "Scenariusz musi być obiektem z węzłem `root`.",
    "`name` must be text": "Pole `name` musi być tekstem.",
    "the scenario is too large to read": "Scenariusz jest za duży, by go odczytać.",
    "a node must be a JSON object": "Węzeł musi być obiektem JSON.",
    "this id is used by another node": "Ten identyfikator ma już inny węzeł.",
    "a node id is a lowercase letter then up to 39 of a-z, 0-9, '_'":
        "Identyfikator węzła to mała litera, a po niej najwyżej 39 znaków spośród a-z, 0-9 i '_'.",
    'hours are a list of ["HH:MM", "HH:MM"] pairs': 'Godziny podaje się jako listę par ["GG:MM", "GG:MM"].',
    'hours are a list of at most 12 ["HH:MM", "HH:MM"] pairs':
        'Godziny podaje się jako listę najwyżej 12 par ["GG:MM", "GG:MM"].',
    "each exception date may appear once": "Każda data wyjątku może wystąpić tylko raz.",
    "the schedule is never open: every call takes the `closed` branch":
        "Harmonogram nigdy nie jest otwarty: każde połączenie trafi do gałęzi `closed`.",
    "dead end: the call is hung up after the announcement (add `next` or a hangup node)":
        "Ślepy zaułek: po zapowiedzi połączenie zostanie rozłączone (dodaj gałąź `next` albo węzeł hangup).",
    "a menu needs at least one option or direct dial":
        "Menu musi mieć co najmniej jedną opcję albo wybieranie numerów wewnętrznych.",
    "no `no_input` branch: a caller who presses nothing is hung up":
        "Brak gałęzi `no_input`: dzwoniący, który nic nie naciśnie, zostanie rozłączony.",
    "no `invalid` branch: a caller who presses a wrong key is hung up":
        "Brak gałęzi `invalid`: dzwoniący, który naciśnie niewłaściwy klawisz, zostanie rozłączony.",
    "name exactly one of user, group or number": "Podaj dokładnie jedno z pól: user, group albo number.",
    "only a user or a group can answer a queue, not an external number":
        "Połączenia z kolejki może odbierać tylko użytkownik albo grupa, nie numer zewnętrzny.",
    "the queue has no real fallback: callers are hung up after the maximum wait":
        "Kolejka nie ma sensownej gałęzi zapasowej: po maksymalnym czasie oczekiwania dzwoniący zostaną rozłączeni.",
    "callers on a blacklist are rejected: remove the `match` branch":
        "Połączenia od dzwoniących z czarnej listy są odrzucane: usuń gałąź `match`.",
    "a VIP list needs a `match` branch for the callers on it":
        "Lista VIP wymaga gałęzi `match` dla dzwoniących z tej listy.",
}

_SCENARIO_PATTERNED = [
    (r"unknown kind None \(one of: (?P<known>.*)\)", "Węzeł nie ma rodzaju (dostępne rodzaje: {known})."),
    (r"unknown kind (?P<kind>.+) \(one of: (?P<known>.*)\)",
     "Nieznany rodzaj węzła {kind} (dostępne rodzaje: {known})."),
    (r"the scenario has (?P<nodes>\d+) nodes; at most (?P<max>\d+) are allowed",
     "Scenariusz ma {nodes}; dozwolonych jest najwyżej {max}."),
    (r"nodes may be nested at most (?P<levels>\d+) levels deep",
     "Węzły można zagnieżdżać najwyżej na głębokość {levels}."),
    (r"the `(?P<branch>\w+)` branch is missing: the call would end nowhere",
     "Brak gałęzi `{branch}`: połączenie nie miałoby dokąd trafić."),
    (r"announcement (?P<id>\d+) is in '(?P<language>\w+)', the company's language is '(?P<company>\w+)': "
     r"no prompt for the company's language",
     "Zapowiedź {id} jest w języku '{language}', a język firmy to '{company}': brak zapowiedzi w języku firmy."),
    (_QUOTED + r" is not a time HH:MM \(00:00 to 23:59\)",
     "{value} nie jest godziną w formacie GG:MM (od 00:00 do 23:59)."),
    (r"(?P<start>\d\d:\d\d)-(?P<end>\d\d:\d\d): the end must be after the start",
     "{start}-{end}: koniec musi być później niż początek."),
    (_QUOTED + r" is not a date YYYY-MM-DD or MM-DD", "{value} nie jest datą w formacie RRRR-MM-DD ani MM-DD."),
    (_QUOTED + r" is not a calendar date", "{value} nie jest istniejącą datą."),
    (r"option " + _QUOTED + r" is not one of 0-9, \* or #", "Opcja {value} nie jest żadnym z klawiszy 0-9, * ani #."),
    (r"user (?P<id>\d+) has neither a phone number nor an extension to ring",
     "Użytkownik {id} nie ma ani numeru telefonu, ani numeru wewnętrznego, na który można zadzwonić."),
    (r"group (?P<id>\d+) has no member to ring: calls go straight to the fallback",
     "Grupa {id} nie ma członka, do którego można zadzwonić: połączenia od razu trafią do gałęzi zapasowej."),
    (r"callers leave the queue after (?P<wait>\d+) s, before the first announcement \(every (?P<every>\d+) s\): "
     r"they hear none",
     "Dzwoniący opuszczają kolejkę po {wait} s, przed pierwszym komunikatem (co {every} s): nie usłyszą żadnego."),
    (r"voicemail box (?P<id>\d+) has no greeting: callers hear only the beep",
     "Skrzynka głosowa {id} nie ma powitania: dzwoniący usłyszą tylko sygnał."),
    (r"number list (?P<id>\d+) is empty: every caller takes `otherwise`",
     "Lista numerów {id} jest pusta: każde połączenie trafi do gałęzi `otherwise`."),
    (r"goto target " + _QUOTED + r" is not a node of this scenario", "Cel skoku {value} nie jest węzłem tego scenariusza."),
    (r"a loop without a keypress or a time limit: (?P<loop>.+): put a menu in it, or a forward with ringing",
     "Pętla bez naciśnięcia klawisza i bez limitu czasu: {loop}: dodaj do niej menu albo przekierowanie z dzwonieniem."),
    (r"the `no_answer` branch is missing and neither the group nor the company has a fallback: "
     r"the call would end nowhere",
     "Brak gałęzi `no_answer`, a ani grupa, ani firma nie mają ustawionego miejsca na nieodebrane połączenia: "
     "połączenie nie miałoby dokąd trafić."),
    # pbx/scenarios.diff: the changes between two versions, one line each
    (r"added (?P<kind>\S+) node (?P<node>.+?) under the top", "Dodano węzeł {kind} {node} jako początek scenariusza"),
    (r"added (?P<kind>\S+) node (?P<node>.+?) under (?P<parent>\S+)", "Dodano węzeł {kind} {node} w gałęzi {parent}"),
    (r"removed (?P<kind>\S+) node (?P<node>.+)", "Usunięto węzeł {kind} {node}"),
    (r"moved node (?P<node>.+?) from (?P<from_branch>the top|\S+) to (?P<to_branch>the top|\S+)",
     "Przeniesiono węzeł {node} z {from_branch} do {to_branch}"),
    (r"node (?P<node>\S+): (?P<key>\S+) set to (?P<new>.+)", "Węzeł {node}: ustawiono {key} na {new}"),
    (r"node (?P<node>\S+): (?P<key>\S+) removed \(was (?P<old>.+)\)", "Węzeł {node}: usunięto {key} (było {old})"),
    (rf"node (?P<node>\S+): (?P<key>\S+) changed from (?P<old>{_JSON}) to (?P<new>.+)",
     "Węzeł {node}: zmieniono {key} z {old} na {new}"),
    # a node field's message, prefixed by the scenario parser with the field's path ("week.mon.value: ...");
    # last, as it would take any message that starts with a word and a colon
    (r"(?P<field>[a-z_]+(?:\.[^\s:]*)*): (?P<message>.+)", "{field}: {message}"),
]

# The forms' texts first: the scenario parser's catch-all "<field path>: <message>" comes last.
CATALOGUE: list[tuple[re.Pattern[str], str]] = [
    *((re.compile(re.escape(english)), polish) for english, polish in (*_LITERAL.items(), *_SCENARIO_LITERAL.items())),
    *((re.compile(pattern), template) for pattern, template in (*_PATTERNED, *_SCENARIO_PATTERNED)),
]


def prefers_polish(accept_languages) -> bool:
    """Whether a request's ``accept_languages`` (werkzeug's) prefer Polish to English (the panel sends its language)."""
    return accept_languages.best_match(("en", "pl")) == "pl"


def translate(message: str) -> str:
    """The Polish text of an English message; a message the catalogue does not know stays as it is."""
    for pattern, template in CATALOGUE:
        match = pattern.fullmatch(message)
        if match:
            return template.format(**{name: _CONVERT.get(name, str)(value)
                                      for name, value in match.groupdict().items()})
    return message


def translate_messages(messages: Any) -> Any:
    """Every text in a message structure (a str, or lists and dicts of them, as in
    ``ValidationError.normalized_messages()``); keys and other values stay as they are."""
    if isinstance(messages, str):
        return translate(messages)
    if isinstance(messages, dict):
        return {key: translate_messages(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translate_messages(message) for message in messages]
    return messages
