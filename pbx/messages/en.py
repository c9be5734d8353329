"""The English texts of the messages, by code (see ``pbx.messages``): what API clients get by default.

A template names its parameters in braces; ``{x!r}`` quotes a value as typed, ``{n:plural:one|other}``
writes a number with its word. Codes are stable: clients rely on them, so reword a text, never rename a code.
"""

TEXTS = {
    "announcement.choose_file": "choose an mp3 file",
    "announcement.no_sound": "this announcement has no sound file yet",
    "announcement.text_required": "a text-to-speech announcement needs its text",
    "announcement.tts_away": "the speech synthesizer is not available; try again later",

    "auth.address_required": "give the e-mail address or phone number you sign in with",
    "auth.code_required": "e-mail and code are required",
    'auth.cross_site': "cross-site request refused: changes are accepted only from the panel's own pages",
    "auth.csrf": "missing or wrong CSRF token: send the X-CSRF-Token header",
    "auth.rights": "your admin rights do not allow this",
    "auth.sign_in_first": "sign in first",
    "auth.too_many_attempts": "too many sign-in attempts: wait before trying again",
    "auth.wrong_code": "wrong or expired code",

    "branch.busy": "“busy”",
    "branch.closed": "“closed”",
    "branch.invalid": "“invalid”",
    "branch.key": "“key {key}”",
    "branch.match": "“on the list”",
    "branch.next": "“next”",
    "branch.no_answer": "“no answer”",
    "branch.no_input": "“no input”",
    "branch.open": "“open”",
    "branch.otherwise": "“everyone else”",
    "branch.unavailable": "“unavailable”",

    "check.blacklist_match": "callers on a blacklist are rejected: remove the {branch} branch",
    "check.branch_missing": "the {branch} branch is missing: the call would end nowhere",
    "check.goto_unknown": "goto target {value!r} is not a node of this scenario",
    "check.idle_loop": "a loop without a keypress or a time limit: {loop}: put a menu in it, or a forward with ringing",
    "check.menu_empty": "a menu needs at least one option or direct dial",
    "check.no_fallback":
        "the {branch} branch is missing and neither the group nor the company has a fallback: the call would "
        "end nowhere",
    "check.queue_external": "only a user or a group can answer a queue, not an external number",
    "check.too_deep": "nodes may be nested at most {levels:plural:level|levels} deep",
    "check.too_many_nodes": "the scenario has {nodes:plural:node|nodes}; at most {max} are allowed",
    "check.user_unreachable": "user {name} has neither a phone number nor an extension to ring",
    "check.vip_needs_match": "a VIP list needs a {branch} branch for the callers on it",

    "contact.number_twice": 'a number may be given only once',
    "contact.import_empty": 'the file holds no contacts',
    "contact.import_too_many": 'a file may hold at most {limit} contacts',
    "contact.import_too_big": 'the file is larger than {megabytes} MB',
    "contact.import_no_name_column": "the file's first line must name the columns, one of them name (Nazwa)",
    "contact.import_not_vcard": 'the file is not a readable vCard',
    "noun.contact": 'contact',
    "noun.contacts": 'contacts',
    "caller_condition.list_or_group": 'choose either a number list or a contact group',
    "lint.contact_group_empty": 'no contact with a number is in contact group {name}: every caller takes {branch}',
    "contact.not_its_number": 'that is not a number of this contact',
    "contact.call_needs_a_phone": 'you need an extension with a SIP phone to call from the panel',
    "contact.phone_not_registered":
        'your phone (extension {extension}) is not signed in to the switch: turn it on and try again',
    "contact.calling": 'your phone rings now; answer it and the contact is called',
    "company.name_taken": "a company named {value!r} already exists",
    "company.unknown": "no company with id or name {value!r}",
    "company.transfer_code": "a transfer code is * or # and one digit, e.g. *1",
    "company.record_code": "a record code is * or # and one digit, e.g. *3",
    "company.record_code_clash": (
        "the record code must start with the same key as the transfer codes and use another digit "
        "(now {record}; transfer codes {transfers})"),
    "company.transfer_codes_clash": "the two transfer codes must start with the same key and differ in the digit (now {blind} and {attended})",

    "database.away": "the database is not available now; try again in a moment",
    "database.value_refused": "a value of this request cannot be used: a number out of range or a NUL character",

    "date.not_a_date_time": "{value!r} is not a date-time like 2026-12-24T14:00",
    "date.not_a_day": "{value!r} is not a date like 31.12.2026 or 2026-12-31",
    "date.outside_years": "{value!r} is outside the years {first}-{last}",
    "date.repeated_by_clock_change": "{value!r} happens twice in {zone} (a clock change): choose another time",
    "date.skipped_by_clock_change": "{value!r} does not exist in {zone} (a clock change): choose another time",
    "date.year_range": "the year must be between {first} and {last}, not {year}",

    "diff.added": "added {kind} node {node} to {place}",
    "diff.branch_of": "the {branch} branch of {node}",
    "diff.changed": "node {node}: {field:path} changed from {old} to {new}",
    "diff.moved": "moved node {node} from {old} to {new}",
    "diff.removed": "removed {kind} node {node}",
    "diff.set": "node {node}: {field:path} set to {new}",
    "diff.top": "the start of the scenario",
    "diff.unset": "node {node}: {field:path} removed (was {old})",

    "export.last_day_first": "the last day comes before the first",
    "export.not_ready": "the export is not ready yet: {done} of {total} calls written",
    "export.storage_away": "the export cannot be read from storage now; try again later",
    "export.too_many_calls":
        "the export has {calls:plural:call|calls}; one file holds at most {rows:plural:row|rows}: choose a "
        "shorter period (from, to) or run it as a background export",

    "extension.digits": "extension {value!r} must be 2 to 6 digits",
    "extension.used_by_group": "extension {extension} is already used by a group",
    "extension.used_by_user": "extension {extension} is already used by a user",

    "fallback.box_or_number": "choose a voicemail box or a number, not both",

    "forward.one_target": "name exactly one of user, group or number",

    "group.member_twice": "a user may be in a group only once",

    "http.400": "The browser (or proxy) sent a request that this server could not understand.",
    "http.404":
        "The requested URL was not found on the server. If you entered the URL manually please check your "
        "spelling and try again.",
    "http.405": "The method is not allowed for the requested URL.",
    "http.413": "The data value transmitted exceeds the capacity limit.",
    "http.500":
        "The server encountered an internal error and was unable to complete your request. Either the server "
        "is overloaded or there is an error in the application.",

    "in_use.announcement": "announcement {name} is used by {place}",
    "in_use.group": "group {name} is used by {place}",
    "in_use.number_list": "number list {name} is used by {place}",
    "in_use.user": "user {name} is used by {place}",
    "in_use.voicemail_box": "voicemail box {name} is used by {place}",

    "input.at_least": "greater than or equal to",
    "input.at_most": "less than or equal to",
    "input.in_field": "{field:path:capital}: {message}",
    "input.invalid": "Invalid value.",
    "input.invalid_body": "invalid input",
    "input.invalid_parameters": "invalid input",
    "input.length_between": "Length must be between {min} and {max}.",
    "input.length_equal": "Length must be {equal}.",
    "input.length_max": "Longer than maximum length {max}.",
    "input.length_min": "Shorter than minimum length {min}.",
    "input.less_than": "less than",
    "input.more_than": "greater than",
    "input.not_boolean": "Not a valid boolean.",
    "input.not_email": "Not a valid email address.",
    "input.not_integer": "Not a valid integer.",
    "input.not_list": "Not a valid list.",
    "input.not_mapping": "Not a valid mapping type.",
    "input.not_number": "Not a valid number.",
    "input.not_object": "Invalid input type.",
    "input.not_text": "Not a valid string.",
    "input.not_utf8": "Not a valid utf-8 string.",
    "input.null": "Field may not be null.",
    "input.one_of": "Must be one of: {choices}.",
    "input.range_between": "Must be {min_op} {min} and {max_op} {max}.",
    "input.range_from_to": "Must be from {min} to {max}.",
    "input.range_max": "Must be {max_op} {max}.",
    "input.range_min": "Must be {min_op} {min}.",
    "input.required": "Missing data for required field.",
    "input.text_required": "text is required",
    "input.too_large": "Number too large.",
    "input.unknown_field": "Unknown field.",
    "input.wrong_type": "Invalid type.",

    "kind.announcement": "“Announcement”",
    "kind.caller_condition": "“Caller condition”",
    "kind.forward": "“Forward”",
    "kind.goto": "“Go to”",
    "kind.hangup": "“Hang up”",
    "kind.menu": "“Menu (IVR)”",
    "kind.schedule": "“Schedule”",
    "kind.voicemail": "“Voicemail”",

    "language.en": "English",
    "language.pl": "Polish",

    "lint.box_no_greeting": "voicemail box {name} has no greeting: callers hear only the beep",
    "lint.dead_end": "dead end: the call is hung up after the announcement (add {branch} or a hangup node)",
    "lint.group_empty": "group {name} has no member to ring: calls go straight to the fallback",
    "lint.list_empty": "number list {name} is empty: every caller takes {branch}",
    "lint.menu_invalid": "no {branch} branch: a caller who presses a wrong key is hung up",
    "lint.menu_no_input": "no {branch} branch: a caller who presses nothing is hung up",
    "lint.never_open": "the schedule is never open: every call takes the {branch} branch",
    "lint.prompt_language":
        "announcement {name} is in {language}, the company speaks {company}: no prompt in the company's "
        'language',
    "lint.queue_announced_too_late":
        "callers leave the queue after {wait} s, before the first announcement (every {every} s): they hear none",
    "lint.queue_hangs_up": "the queue has no real fallback: callers are hung up after the maximum wait",

    "main_number.no_scenario": "main number {number} has no scenario",
    "main_number.not_ours": "main number {number} is not a number of this company",
    "main_number.primary_delete": "the primary number cannot be deleted: make another number primary first",
    "main_number.primary_stays": "a company always has a primary number: make another number primary instead",
    "main_number.taken": "{number} is already a main number",
    "main_number.user_or_group": "choose a user or a group, not both",

    "menu.not_a_key": "option {value!r} is not one of 0-9, * or #",

    "mp3.cut_short": "the mp3 is cut short: its header promises {promised:.1f} s, only {decoded:.1f} s decode",
    "mp3.damaged": "the mp3 is damaged: {detail}",
    "mp3.decode_timeout": "the mp3 takes too long to decode",
    "mp3.does_not_decode": "the mp3 is damaged: it does not decode",
    "mp3.no_audio": "the mp3 has no audio",
    "mp3.no_mp3_audio": "the file is not an mp3: no mp3 audio found",
    "mp3.not_mp3": "the file is not an mp3: {detail}",
    "mp3.other_format": "the file is not an mp3: its content is in the {format} format",
    "mp3.too_big":
        "the file has {size:plural:byte|bytes}; an announcement may have at most {limit:plural:byte|bytes} "
        "(2 MB)",
    "mp3.too_long": "the recording lasts over {seconds} s; an announcement may last at most {seconds} s (10 minutes)",
    "mp3.unreadable": "the file is not an mp3 ({error})",
    "mp3.upload_too_big": "an announcement may have at most {limit:plural:byte|bytes} (2 MB)",

    'node.id_format': "a node id is a lowercase letter then up to 39 of a-z, 0-9, '_'",
    "node.id_taken": "this id is used by another node",
    "node.no_kind": "a node needs a kind (one of: {known})",
    "node.not_an_object": "a node must be a JSON object",
    "node.unknown_kind": "unknown kind {value!r} (one of: {known})",

    "noun.announcement": "announcement",
    "noun.announcements": "announcements",
    "noun.export": "export",
    "noun.export_schedule": "scheduled export",
    "noun.export_schedules": "scheduled exports",
    "noun.exports": "exports",
    "noun.group": "group",
    "noun.groups": "groups",
    "noun.main_number": "main number",
    "noun.main_numbers": "main numbers",
    "noun.number_list": "number list",
    "noun.number_lists": "number lists",
    "noun.recording": "recording",
    "noun.recordings": "recordings",
    "noun.user": "user",
    "noun.users": "users",
    "noun.voicemail_box": "voicemail box",
    "noun.voicemail_boxes": "voicemail boxes",

    "number_list.every_caller":
        "{value!r} would match every caller: put the start of the numbers before '*' (e.g. +4822*)",
    'number_list.not_a_pattern': "{value!r} is not a number or a prefix ending in '*'",

    "object.missing": "{kind} {id} does not exist in this company",
    "object.missing_many": "{kinds} {ids} do not exist in this company",

    "override.in_the_past": "{value!r} is in the past: an override must end later than now",
    "override.target_required": "choose where the calls go",

    "phone.characters":
        "{value!r} is not a phone number: only digits, spaces, '-', '(' ')' and a leading '+' are allowed",
    "phone.digits":
        "{value!r} has {digits:plural:digit|digits}: a Polish number has 9, an international one starts with "
        "+ or 00",
    "phone.letters": "{value!r} is not a phone number: letters are not allowed",
    "phone.not_a_number": "{value!r} is not a phone number",
    "phone.not_valid": "{value!r} is not a valid number for its country (wrong length or unknown prefix)",
    "phone.required": "a phone number is required",
    "phone.too_long": "{value!r} is not a phone number: too many digits",
    "phone.too_short": "{value!r} is not a phone number: too few digits",
    "phone.too_short_after_idd": "{value!r} is not a phone number: too few digits after the international prefix",
    "phone.unknown_country": "{value!r} is not a phone number: unknown country calling code",

    'place.company_fallback': "the company's default fallback",
    "place.draft_node": "scenario {scenario} ({number}), draft, node {node}",
    "place.greeting": "voicemail box {name}: its greeting",
    "place.group_fallback": "group {name}: its fallback",
    "place.number_fallback": "main number {number}: its fallback",
    "place.only_member": "group {name}: its only member; the group is used by {places}",
    "place.only_recipient": "voicemail box {name}: its only recipient",
    "place.recording_notice": "the company's recording notice",
    "place.published_node": "scenario {scenario} ({number}), published version {version}, node {node}",
    "place.rings_group": "main number {number} rings this group directly",
    "place.rings_user": "main number {number} rings this user directly",
    "place.scenario_of_number": "scenario {scenario} ({number}): the scenario of this number",

    "preview.not_a_day": "{value!r} is not a date like 2026-12-20 or 2026-12-20T08:00",
    "preview.not_a_step": "{value!r} is not a duration like 30m, 1h or 90s",
    "preview.not_published": "the scenario is not published yet: preview its draft",
    "preview.range_required": "give number, from and to (e.g. from=2026-12-20&to=2026-12-27)",
    "preview.range_reversed": "the range ends before it starts",
    "preview.too_many_probes":
        "the preview needs {needed} probes ({count:plural:schedule|schedules} × the range ÷ step); at most "
        "{most}: shorten the range or use a longer step",

    "reception.announcing":
        "your phone is calling {target}: introduce the caller and hang up to join them, or press # to go back to "
        "the caller",
    "reception.available": "{user} takes calls from {queue} again",
    "reception.done": "done",
    "reception.ended": "the call was ended",
    "reception.extension_of_nobody": "extension {value!r} belongs to nobody in this company",
    "reception.gone": "this call has already ended: the caller hung up or someone else took it",
    "reception.group_without_extension": "group '{name}' has no extension to transfer to",
    "reception.logged_out": "{user} is logged out of {queue}",
    "reception.no_own_phone": "you have neither an extension nor a phone number to take the call on",
    "reception.no_such_member": "there is no such queue member in your company",
    "reception.not_a_call_id": "{value!r} is not a call id",
    "reception.not_everywhere": "not on every switch: {reply}",
    "reception.not_ours": "there is no such call in your company",
    "reception.not_receptionist":
        "the reception page is for receptionists: an admin gives the right in the user's settings",
    "reception.not_talking": "you are not talking with this caller: pick the call up first, then announce it",
    "reception.on_a_break": "{user} is on a break from {queue}",
    "reception.one_place": "choose one place to send the call: user, group, extension, number or box",
    "reception.on_its_way": "the call is on its way to your phone",
    "reception.status_choice": "status is one of available, logged_out, on_break",
    "reception.switch_away": "the switch did not answer: try again in a moment",
    "reception.switch_refused": "the switch refused: {reply}",
    "reception.to_voicemail": "the caller is leaving a message in {box}",
    "reception.too_many_pages": "too many reception pages are open on this server: the page tries again in a moment",
    "reception.transferred": "the call was transferred to {target}",
    "reception.unreachable": "{user} has neither an extension nor a phone number to ring",

    "recording.caller_required": "give the caller number (?caller=...)",
    "recording.expired": "the recording expired on {day}: it is no longer available",
    "recording.hold": "hold is true or false",
    "recording.storage_away": "the recording cannot be read from storage now; try again later",
    "recording.unknown": "no such recording",

    "report.ends_before_start": "the period ends before it starts: choose 'to' on or after 'from'",
    "report.option_not_taken": "the {report} report takes no {option}",
    "report.too_long": "a report covers at most {days:plural:day|days}: choose a shorter period",
    "report.unknown": "no report named {value!r}: choose one of {reports}",

    "request.json": "send JSON (Content-Type: application/json)",
    "request.json_object": "send a JSON object",

    "rights.owner_deletes_admins": "only an owner (level 3) deletes admins",
    'rights.owner_grants': "only an owner (level 3) grants admin rights or changes an admin's sign-in address",
    'rights.owner_sip_password': "only an owner (level 3) sees or renews an admin's SIP password",

    'scenario.diff_refs': "compare version numbers or 'draft'",
    "scenario.has_errors": "the scenario has errors",
    "scenario.name_not_text": "`name` must be text",
    "scenario.no_draft": "the scenario has no draft",
    "scenario.no_draft_to_publish": "the scenario has no draft to publish",
    "scenario.no_version": "the scenario has no version {number}",
    "scenario.not_an_object": "a scenario is an object with a `root` node",
    "scenario.rollback_version": "give the version number to roll back to",
    "scenario.too_large": "a scenario may be at most {kib} KiB of JSON",
    "scenario.too_large_to_read": "the scenario is too large to read",
    "scenario.without_name": "without a name",

    "schedule.end_before_start": "{start}-{end}: the end must be after the start",
    "schedule.exception_twice": "each exception date may appear once",
    'schedule.hours_pairs': 'hours are a list of ["HH:MM", "HH:MM"] pairs',
    "schedule.not_a_calendar_date": "{value!r} is not a calendar date",
    "schedule.not_a_date": "{value!r} is not a date like 31.12.2026, 2026-12-31 or 24.12 (every year)",
    "schedule.not_a_time": "{value!r} is not a time HH:MM (00:00 to 23:59)",
    'schedule.too_many_pairs': 'hours are a list of at most 12 ["HH:MM", "HH:MM"] pairs',

    "sip_account.no_extension": "user {name} has no extension, so no phone can sign in as them: give them one first",

    "testcall.draft_invalid": "the draft does not compile",
    "testcall.many_people": "{value!r} names {count} people: use the full name or extension",
    "testcall.no_extension": "{name} has no extension, so no desk phone to call from",
    "testcall.no_scenario": "{value!r} is not a main number of {company} with a scenario",
    "testcall.nobody": "{value!r} is no user, group or phone number of this company",
    "testcall.not_a_count": "a non-negative number",
    "testcall.not_a_duration": "{value!r} is not a duration like 40s, 1.5m or 90",
    "testcall.not_a_folder": "{value!r} is not an absolute folder path like /var/lib/freeswitch",
    "testcall.not_a_main_number": "{value!r} is not a main number of {company} (main numbers: {known})",
    'testcall.not_busy_map': 'an object of names and durations (e.g. {{"Anna": "40s"}})',
    "testcall.not_dialable": "{value!r} is not something a phone can dial",
    'testcall.not_durations': 'a list of durations (e.g. [20, "45s"])',
    "testcall.no_record_code": "the company has no record code: set one in the company settings first",
    "testcall.not_a_transfer":
        "{value!r} is not <seconds>s:<keys> (e.g. 30s:*1103) nor <seconds>s:refer:<number> (e.g. 30s:refer:103)",
    "testcall.not_keys": "{value!r} is not digits 0-9 * # or <seconds>s:<digits> (e.g. 2s:1)",
    "testcall.not_name_seconds": "{value!r} is not NAME=SECONDS (e.g. Anna=40s)",
    "testcall.not_people": "a list of names, extensions or numbers",
    "testcall.not_simulated": "the dialplan cannot be simulated: {problem}: {detail}",
    'testcall.phone_not_in_directory': "{name}'s phone is not in the SIP directory",
    "testcall.tenant_needed": "{value!r} is no main number; give --tenant for calls from a desk phone",
    "testcall.time_without_zone": "give a time zone or use parse_at()",
    "testcall.unknown_caller": "{value!r} is no phone number and no user of {company}",

    "text.as_given": "{text}",
    "text.control_character": "control character U+{character} is not allowed",

    "token.name_required": "give the token a name (1-80 characters)",
    "token.not_valid": "this API token is not valid (revoked, or its owner lost the rights)",
    "token.panel_only": "API tokens are managed in the panel, not with an API token",
    "token.read_only": "this API token is read-only",
    'token.scope': "scope is 'read' or 'full'",
    "token.unknown": "no such API token",

    "user.delete_self": "you cannot delete yourself",
    "user.present_main_number": "cannot always present the main number without being allowed to",

    "voicemail.heard": "heard is true or false",
    "voicemail.legal_hold": "a voicemail under legal hold cannot be deleted: release the hold first",
    "voicemail.unknown_message": "no such voicemail message",

    "voicemail_box.no_recipient": "a voicemail box needs at least one recipient",

    "zone.unknown": "{value!r} is not an IANA time zone (e.g. Europe/Warsaw)",
}
