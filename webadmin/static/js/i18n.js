// Panel texts in Polish (default) and English. The company's language is the default;
// an admin's own choice is kept in this browser.

const pl = {
  skip: "Przejdź do treści", language: "Język", signOut: "Wyloguj",
  "nav.dashboard": "Pulpit", "nav.users": "Użytkownicy", "nav.groups": "Grupy", "nav.numbers": "Numery główne",
  "nav.announcements": "Zapowiedzi", "nav.voicemail": "Skrzynki głosowe", "nav.lists": "Listy numerów",
  "nav.calls": "Historia połączeń", "nav.recordings": "Nagrania", "nav.audit": "Dziennik zmian",
  "login.title": "Logowanie do panelu", "login.email": "E-mail administratora", "login.send": "Wyślij kod",
  "login.sent": "Jeśli adres należy do administratora, wysłaliśmy na niego jednorazowy kod.",
  "login.code": "Kod jednorazowy", "login.submit": "Zaloguj", "login.wrong": "Błędny lub wygasły kod.",
  add: "Dodaj", edit: "Edytuj", delete: "Usuń", save: "Zapisz", cancel: "Anuluj", export: "Eksportuj (CSV)",
  actions: "Akcje", yes: "tak", no: "nie", none: "— brak —", saved: "Zapisano.", deleted: "Usunięto.",
  confirmDelete: "Usunąć „{name}”?", usedBy: "Nie można usunąć: {where}",
  readOnly: "Masz uprawnienia tylko do podglądu.", fixErrors: "Popraw zaznaczone pola.",
  "dash.title": "Pulpit", "dash.today": "Dzisiaj ({date})", "dash.total": "Połączenia przychodzące",
  "dash.answered": "Odebrane", "dash.missed": "Nieodebrane", "dash.perHour": "Połączenia w godzinach",
  "users.title": "Użytkownicy", "users.add": "Dodaj użytkownika", "users.edit": "Edytuj użytkownika",
  first_name: "Imię", last_name: "Nazwisko", phone: "Numer telefonu", email: "E-mail", role: "Rola",
  description: "Opis", extension: "Numer wewnętrzny", admin_level: "Uprawnienia w panelu",
  may_present_main_number: "Może prezentować się numerem głównym (*666)",
  always_present_main_number: "Zawsze prezentuj numer główny", record_calls: "Nagrywaj rozmowy",
  "role.user": "użytkownik", "role.admin": "administrator",
  "level.0": "brak", "level.1": "podgląd", "level.2": "edycja", "level.3": "właściciel",
  "phone.help": "Polski numer komórkowy lub stacjonarny albo międzynarodowy (+…).",
  "groups.title": "Grupy", "groups.add": "Dodaj grupę", "groups.edit": "Edytuj grupę", name: "Nazwa",
  ring_mode: "Tryb dzwonienia", members: "Członkowie", "ring.sequential": "sekwencyjnie",
  "ring.random": "losowo", "ring.simultaneous": "jednocześnie", "ring.longest-idle": "najdłużej bezczynny",
  ring_seconds: "Czas dzwonienia (s)", moveUp: "Wyżej", moveDown: "Niżej", addMember: "Dodaj do grupy",
  "numbers.title": "Numery główne", "numbers.add": "Dodaj numer główny", "numbers.edit": "Edytuj numer",
  number: "Numer", label: "Etykieta", is_primary: "Podstawowy", scenario: "Scenariusz",
  target_user_id: "Bez scenariusza dzwoń do użytkownika", target_group_id: "Bez scenariusza dzwoń do grupy",
  openScenario: "Edytuj scenariusz", published: "opublikowana wersja {n}", notPublished: "nieopublikowany",
  "ann.title": "Zapowiedzi", "ann.tts": "Zapowiedź z tekstu (lektor)", "ann.upload": "Wgraj plik mp3 (maks. 2 MB)",
  text: "Tekst", voice: "Głos", "voice.female": "damski", "voice.male": "męski", file: "Plik mp3",
  convert: "Konwertuj na plik dźwiękowy", upload: "Wgraj", listen: "Odsłuchaj", duration: "Długość",
  source: "Źródło", "source.tts": "lektor", "source.upload": "plik",
  "lang.pl": "polski", "lang.en": "angielski",
  "vm.title": "Skrzynki głosowe", "vm.add": "Dodaj skrzynkę", "vm.edit": "Edytuj skrzynkę",
  greeting_id: "Powitanie", recipient_ids: "Odbiorcy (użytkownicy)", extra_emails: "Dodatkowe adresy e-mail (po jednym w wierszu)",
  max_seconds: "Maksymalna długość wiadomości (s)", recipients: "Wiadomości trafiają do",
  "lists.title": "Listy numerów", "lists.add": "Dodaj listę", "lists.edit": "Edytuj listę", kind: "Rodzaj",
  "kind.blacklist": "czarna lista", "kind.vip": "VIP", patterns: "Numery (po jednym w wierszu; prefiks kończy się *)",
  count: "Liczba",
  "calls.title": "Historia połączeń", from: "Od dnia", to: "Do dnia", user: "Użytkownik", main_number: "Numer główny",
  filter: "Pokaż", started_at: "Początek", direction: "Kierunek", caller: "Dzwoniący", destination: "Cel",
  answered_by: "Odebrał(a)", wait_seconds: "Czekanie (s)", talk_seconds: "Rozmowa (s)", path: "Ścieżka",
  "dir.in": "przychodzące", "dir.out": "wychodzące", "dir.internal": "wewnętrzne", all: "wszystkie",
  missed: "nieodebrane", noRows: "Brak wpisów.",
  "rec.title": "Nagrania", created_at: "Nagrano", expires_at: "Usunięcie", legal_hold: "Blokada prawna",
  download: "Pobierz", hold: "Zablokuj usunięcie", release: "Zdejmij blokadę", "rec.kind.call": "rozmowa",
  "rec.kind.voicemail": "poczta głosowa", "rec.held": "nie wygasa (blokada)",
  "audit.title": "Dziennik zmian", at: "Kiedy", actor: "Kto", action: "Zmiana", entity: "Obiekt", changes: "Szczegóły",
  "action.create": "utworzenie", "action.update": "zmiana", "action.delete": "usunięcie", more: "Starsze wpisy",
  "sc.title": "Scenariusz numeru {number}", "sc.save": "Zapisz szkic", "sc.check": "Sprawdź",
  "sc.publish": "Opublikuj", "sc.note": "Opis zmiany", "sc.tree": "Drzewo", "sc.json": "JSON",
  "sc.applyJson": "Zastosuj JSON", "sc.badJson": "To nie jest poprawny JSON: {error}",
  "sc.unsaved": "Niezapisane zmiany", "sc.savedDraft": "Szkic zapisany.", "sc.publishedAs": "Opublikowano wersję {n}.",
  "sc.ok": "Scenariusz nie ma błędów.", "sc.errors": "Błędy (blokują publikację)", "sc.warnings": "Ostrzeżenia",
  "sc.node": "Węzeł", "sc.select": "Wybierz węzeł w drzewie, aby go edytować.", "sc.apply": "Zastosuj",
  "sc.remove": "Usuń węzeł", "sc.addHere": "Dodaj", "sc.branch": "Gałąź", "sc.addOption": "Dodaj opcję", "sc.key": "Klawisz",
  "sc.newKind": "Rodzaj węzła", "sc.empty": "Ten numer nie ma jeszcze scenariusza. Zacznij od węzła:",
  "sc.versions": "Historia wersji", "sc.version": "Wersja", "sc.live": "aktywna", "sc.rollback": "Przywróć",
  "sc.rolledBack": "Przywrócono — nowa wersja {n}.", "sc.diff": "Porównaj wersje", "sc.compare": "Porównaj",
  "sc.draft": "szkic", "sc.noDiff": "Brak różnic.", "sc.confirmRollback": "Przywrócić wersję {n}?",
  "sc.id": "Identyfikator", "sc.hours": "Godziny (np. 08:00-16:00, 17:00-19:00; puste = zamknięte)",
  holidays: "Święta", "holidays.pl": "polskie święta ustawowe (zamknięte)", exceptions: "Wyjątki (data [godziny], po jednym w wierszu)",
  prompt: "Zapowiedź", invalid_prompt: "Zapowiedź przy błędnym wyborze", repeat: "Liczba powtórzeń",
  timeout_seconds: "Czas na wybór (s)", direct_dial: "Wybieranie numeru wewnętrznego podczas zapowiedzi",
  target: "Cel", "target.user": "użytkownik", "target.group": "grupa", "target.number": "numer zewnętrzny",
  queue: "Kolejkowanie (komunikat co 30 s)", max_wait_seconds: "Maksymalny czas w kolejce (s)",
  box: "Skrzynka głosowa", list: "Lista numerów", "goto.target": "Przejdź do węzła",
  "kind.schedule": "Harmonogram", "kind.announcement": "Zapowiedź", "kind.menu": "Menu (IVR)",
  "kind.forward": "Przekierowanie", "kind.voicemail": "Poczta głosowa", "kind.caller_condition": "Warunek numeru",
  "kind.hangup": "Rozłączenie", "kind.goto": "Przejdź do",
  "br.open": "otwarte", "br.closed": "zamknięte", "br.next": "dalej", "br.no_input": "brak wyboru",
  "br.invalid": "błędny wybór", "br.no_answer": "brak odpowiedzi", "br.busy": "zajęte", "br.unavailable": "niedostępny",
  "br.match": "na liście", "br.otherwise": "pozostali", "br.key": "klawisz {key}",
  "day.mon": "Pon", "day.tue": "Wt", "day.wed": "Śr", "day.thu": "Czw", "day.fri": "Pt", "day.sat": "Sob", "day.sun": "Nd",
  "tc.title": "Połączenie testowe", "tc.caller": "Numer dzwoniącego", "tc.at": "Data i godzina",
  "tc.keys": "Wciśnięte klawisze (np. 1 lub 2s:1)", "tc.noAnswer": "Nie odbierają (nazwy lub numery wewn., po przecinku)",
  "tc.draft": "Testuj zapisany szkic (zamiast wersji opublikowanej)", "tc.run": "Zadzwoń testowo", "tc.steps": "Kroki",
  "tc.unavailable": "Symulator połączeń jest niedostępny.",
};

const en = {
  skip: "Skip to content", language: "Language", signOut: "Sign out",
  "nav.dashboard": "Dashboard", "nav.users": "Users", "nav.groups": "Groups", "nav.numbers": "Main numbers",
  "nav.announcements": "Announcements", "nav.voicemail": "Voicemail boxes", "nav.lists": "Number lists",
  "nav.calls": "Call history", "nav.recordings": "Recordings", "nav.audit": "Audit log",
  "login.title": "Sign in to the panel", "login.email": "Admin e-mail", "login.send": "Send code",
  "login.sent": "If the address belongs to an admin, a one-time code is on its way.",
  "login.code": "One-time code", "login.submit": "Sign in", "login.wrong": "Wrong or expired code.",
  add: "Add", edit: "Edit", delete: "Delete", save: "Save", cancel: "Cancel", export: "Export (CSV)",
  actions: "Actions", yes: "yes", no: "no", none: "— none —", saved: "Saved.", deleted: "Deleted.",
  confirmDelete: "Delete “{name}”?", usedBy: "Cannot delete: {where}",
  readOnly: "You have view-only rights.", fixErrors: "Please correct the marked fields.",
  "dash.title": "Dashboard", "dash.today": "Today ({date})", "dash.total": "Incoming calls",
  "dash.answered": "Answered", "dash.missed": "Missed", "dash.perHour": "Calls per hour",
  "users.title": "Users", "users.add": "Add user", "users.edit": "Edit user",
  first_name: "First name", last_name: "Last name", phone: "Phone number", email: "E-mail", role: "Role",
  description: "Description", extension: "Extension", admin_level: "Panel rights",
  may_present_main_number: "May present the main number (*666)",
  always_present_main_number: "Always present the main number", record_calls: "Record calls",
  "role.user": "user", "role.admin": "admin",
  "level.0": "none", "level.1": "viewer", "level.2": "editor", "level.3": "owner",
  "phone.help": "A Polish mobile or landline number, or an international one (+…).",
  "groups.title": "Groups", "groups.add": "Add group", "groups.edit": "Edit group", name: "Name",
  ring_mode: "Ring mode", members: "Members", "ring.sequential": "sequential", "ring.random": "random",
  "ring.simultaneous": "simultaneous", "ring.longest-idle": "longest idle",
  ring_seconds: "Ring time (s)", moveUp: "Up", moveDown: "Down", addMember: "Add to group",
  "numbers.title": "Main numbers", "numbers.add": "Add main number", "numbers.edit": "Edit number",
  number: "Number", label: "Label", is_primary: "Primary", scenario: "Scenario",
  target_user_id: "Without a scenario ring user", target_group_id: "Without a scenario ring group",
  openScenario: "Edit scenario", published: "published version {n}", notPublished: "not published",
  "ann.title": "Announcements", "ann.tts": "Announcement from text (speech)", "ann.upload": "Upload an mp3 (max 2 MB)",
  text: "Text", voice: "Voice", "voice.female": "female", "voice.male": "male", file: "mp3 file",
  convert: "Convert to a sound file", upload: "Upload", listen: "Listen", duration: "Length",
  source: "Source", "source.tts": "speech", "source.upload": "file", "lang.pl": "Polish", "lang.en": "English",
  "vm.title": "Voicemail boxes", "vm.add": "Add box", "vm.edit": "Edit box",
  greeting_id: "Greeting", recipient_ids: "Recipients (users)", extra_emails: "Extra e-mail addresses (one per line)",
  max_seconds: "Longest message (s)", recipients: "Messages go to",
  "lists.title": "Number lists", "lists.add": "Add list", "lists.edit": "Edit list", kind: "Kind",
  "kind.blacklist": "blacklist", "kind.vip": "VIP", patterns: "Numbers (one per line; a prefix ends with *)",
  count: "Count",
  "calls.title": "Call history", from: "From", to: "To", user: "User", main_number: "Main number",
  filter: "Show", started_at: "Started", direction: "Direction", caller: "Caller", destination: "Destination",
  answered_by: "Answered by", wait_seconds: "Waiting (s)", talk_seconds: "Talk (s)", path: "Path",
  "dir.in": "incoming", "dir.out": "outgoing", "dir.internal": "internal", all: "all", missed: "missed",
  noRows: "Nothing here.",
  "rec.title": "Recordings", created_at: "Recorded", expires_at: "Deleted on", legal_hold: "Legal hold",
  download: "Download", hold: "Put on hold", release: "Release hold", "rec.kind.call": "call",
  "rec.kind.voicemail": "voicemail", "rec.held": "never (on hold)",
  "audit.title": "Audit log", at: "When", actor: "Who", action: "Change", entity: "Object", changes: "Details",
  "action.create": "created", "action.update": "changed", "action.delete": "deleted", more: "Older entries",
  "sc.title": "Scenario of {number}", "sc.save": "Save draft", "sc.check": "Check", "sc.publish": "Publish",
  "sc.note": "Change note", "sc.tree": "Tree", "sc.json": "JSON", "sc.applyJson": "Apply JSON",
  "sc.badJson": "Not valid JSON: {error}", "sc.unsaved": "Unsaved changes", "sc.savedDraft": "Draft saved.",
  "sc.publishedAs": "Published version {n}.", "sc.ok": "The scenario has no errors.",
  "sc.errors": "Errors (block publishing)", "sc.warnings": "Warnings", "sc.node": "Node",
  "sc.select": "Select a node in the tree to edit it.", "sc.apply": "Apply", "sc.remove": "Remove node",
  "sc.addHere": "Add", "sc.branch": "Branch", "sc.addOption": "Add option", "sc.key": "Key", "sc.newKind": "Node kind",
  "sc.empty": "This number has no scenario yet. Start with a node:", "sc.versions": "Version history",
  "sc.version": "Version", "sc.live": "live", "sc.rollback": "Roll back", "sc.rolledBack": "Rolled back — new version {n}.",
  "sc.diff": "Compare versions", "sc.compare": "Compare", "sc.draft": "draft", "sc.noDiff": "No differences.",
  "sc.confirmRollback": "Roll back to version {n}?", "sc.id": "Id",
  "sc.hours": "Hours (e.g. 08:00-16:00, 17:00-19:00; empty = closed)", holidays: "Holidays",
  "holidays.pl": "Polish public holidays (closed)", exceptions: "Exceptions (date [hours], one per line)",
  prompt: "Announcement", invalid_prompt: "Announcement on a wrong key", repeat: "Repeat count",
  timeout_seconds: "Time to choose (s)", direct_dial: "Dial an extension during the announcement",
  target: "Target", "target.user": "user", "target.group": "group", "target.number": "external number",
  queue: "Queueing (announcement every 30 s)", max_wait_seconds: "Longest wait in the queue (s)",
  box: "Voicemail box", list: "Number list", "goto.target": "Go to node",
  "kind.schedule": "Schedule", "kind.announcement": "Announcement", "kind.menu": "Menu (IVR)",
  "kind.forward": "Forward", "kind.voicemail": "Voicemail", "kind.caller_condition": "Caller condition",
  "kind.hangup": "Hang up", "kind.goto": "Go to",
  "br.open": "open", "br.closed": "closed", "br.next": "next", "br.no_input": "no input", "br.invalid": "invalid",
  "br.no_answer": "no answer", "br.busy": "busy", "br.unavailable": "unavailable", "br.match": "on the list",
  "br.otherwise": "everyone else", "br.key": "key {key}",
  "day.mon": "Mon", "day.tue": "Tue", "day.wed": "Wed", "day.thu": "Thu", "day.fri": "Fri", "day.sat": "Sat", "day.sun": "Sun",
  "tc.title": "Test call", "tc.caller": "Caller number", "tc.at": "Date and time",
  "tc.keys": "Keys pressed (e.g. 1 or 2s:1)", "tc.noAnswer": "Do not answer (names or extensions, comma-separated)",
  "tc.draft": "Test the saved draft (instead of the published version)", "tc.run": "Place test call", "tc.steps": "Steps",
  "tc.unavailable": "The call simulator is not available.",
};

const dictionaries = { pl, en };
let current = "pl";
let zone; // the company's time zone: times read the same wherever the admin is

export function setZone(name) {
  zone = name;
}

export function setLanguage(language) {
  current = dictionaries[language] ? language : "pl";
  document.documentElement.lang = current;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
}

export const language = () => current;

export function t(key, vars = {}) {
  const text = dictionaries[current][key] ?? pl[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? "");
}

// "2026-12-24T14:00" now in the company's zone, as a datetime-local input wants it.
export function zoneNow() {
  return new Date().toLocaleString("sv-SE", { timeZone: zone }).slice(0, 16).replace(" ", "T");
}

export function formatTime(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(current === "pl" ? "pl-PL" : "en-GB", {
    dateStyle: "short", timeStyle: "short", timeZone: zone,
  });
}
