"""The demo company "Firma ABC", loaded into an empty database."""
from __future__ import annotations

from sqlalchemy import func, select

from pbx import contacts, directory, models
from pbx.audit import acting_as
from pbx.extensions import db

DEMO_NAME = "Firma ABC"
DEMO_MAIN_NUMBER = "+48221000000"
DEMO_ADMIN_EMAIL = "anna.kowalska@firma-abc.example"

USERS = [
    ("Anna", "Kowalska", "501 234 567", DEMO_ADMIN_EMAIL, "admin", "101", 3, "Recepcja"),
    ("Piotr", "Nowak", "502 345 678", "piotr.nowak@firma-abc.example", "user", "102", 0, "Sprzedaż"),
    ("Katarzyna", "Wiśniewska", "503 456 789", "katarzyna.wisniewska@firma-abc.example", "user", "103", 0, "Sprzedaż"),
    ("Tomasz", "Wójcik", "504 567 890", "tomasz.wojcik@firma-abc.example", "user", "104", 0, "Księgowość"),
    ("Magdalena", "Kamińska", "22 555 01 05", "magdalena.kaminska@firma-abc.example", "user", "105", 0, "Księgowość"),
    ("Michał", "Lewandowski", "505 678 901", "michal.lewandowski@firma-abc.example", "admin", "106", 2, "Kierownik"),
]

# name, company, numbers (label, number), contact groups, note
CONTACTS = [
    ("Jan Zieliński", "Hurtownia Zieliński", [("komórka", "606 210 310"), ("biuro", "22 616 20 30")],
     ["Stali klienci"], "Zamawia co miesiąc; woli kontakt telefoniczny."),
    ("Ewa Mazur", "Biuro Rachunkowe Mazur", [("", "607 320 420")], ["Stali klienci"], ""),
    ("Krzysztof Dąbrowski", "Transport KD", [("komórka", "608 430 530")], [], "Dostawy we wtorki."),
]


def tenant_announcements(tenant: models.Tenant) -> list[models.Announcement]:
    return list(db.session.scalars(select(models.Announcement).where(models.Announcement.tenant_id == tenant.id)))


def demo_loaded() -> bool:
    return db.session.scalar(select(func.count()).select_from(models.Tenant)) > 0


def demo_scenario(reception, sales, accounting, box, greeting, closed, menu_prompt) -> dict:
    """Mon–Fri 8:00–16:00 → menu (1 sales, 2 accounting, no input → reception), otherwise closed → voicemail."""
    workday = [["08:00", "16:00"]]
    return {
        "name": "Godziny pracy",
        "root": {
            "id": "hours", "kind": "schedule", "name": "Godziny pracy",
            "week": {"mon": workday, "tue": workday, "wed": workday, "thu": workday, "fri": workday,
                     "sat": [], "sun": []},
            "holidays": "pl",
            "open": {
                "id": "welcome", "kind": "announcement", "name": "Powitanie", "prompt": greeting.id, "repeat": 1,
                "next": {
                    "id": "main_menu", "kind": "menu", "name": "Menu główne", "prompt": menu_prompt.id,
                    "repeat": 2, "timeout_seconds": 5, "direct_dial": True,
                    "options": {
                        "1": {"id": "sales", "kind": "forward", "name": "Sprzedaż",
                              "target": {"group": sales.id}, "ring_seconds": 40,
                              "no_answer": {"id": "vm_sales", "kind": "voicemail", "box": box.id}},
                        "2": {"id": "accounting", "kind": "forward", "name": "Księgowość",
                              "target": {"group": accounting.id}, "ring_seconds": 30,
                              "no_answer": {"id": "vm_accounting", "kind": "voicemail", "box": box.id}},
                    },
                    "no_input": {"id": "reception", "kind": "forward", "name": "Recepcja",
                                 "target": {"user": reception.id}, "ring_seconds": 30,
                                 "no_answer": {"id": "vm_reception", "kind": "voicemail", "box": box.id}},
                    "invalid": {"id": "invalid_back", "kind": "goto", "target": "main_menu"},
                },
            },
            "closed": {
                "id": "closed", "kind": "announcement", "name": "Zamknięte", "prompt": closed.id, "repeat": 1,
                "next": {"id": "vm_closed", "kind": "voicemail", "box": box.id},
            },
        },
    }


def load_demo() -> models.Tenant:
    """Create Firma ABC with its users, groups, box, announcements, number and scenario draft."""
    with acting_as("demo"):
        tenant = directory.create_tenant({"name": DEMO_NAME, "timezone": "Europe/Warsaw", "language": "pl"})
        users = [
            directory.add_user(tenant, {
                "first_name": first, "last_name": last, "phone": phone, "email": email, "role": role,
                "extension": ext, "admin_level": level, "description": desc,
                "may_present_main_number": role == "admin", "receptionist": desc == "Recepcja",
            })
            for first, last, phone, email, role, ext, level, desc in USERS
        ]
        sales = directory.add_group(tenant, {
            "name": "Sprzedaż", "ring_mode": "sequential", "extension": "200",
            "members": [{"user_id": users[1].id, "ring_seconds": 20}, {"user_id": users[2].id, "ring_seconds": 20}],
        })
        accounting = directory.add_group(tenant, {
            "name": "Księgowość", "ring_mode": "simultaneous", "extension": "300",
            "members": [{"user_id": users[3].id, "ring_seconds": 30}, {"user_id": users[4].id, "ring_seconds": 30}],
        })
        greeting = directory.add_announcement(tenant, {
            "name": "Powitanie", "text": "Dzień dobry, dodzwonili się Państwo do Firmy ABC."})
        menu_prompt = directory.add_announcement(tenant, {
            "name": "Menu główne",
            "text": "Aby połączyć się z działem sprzedaży, wciśnij 1. Z księgowością, wciśnij 2."})
        closed = directory.add_announcement(tenant, {
            "name": "Zamknięte",
            "text": "Biuro jest czynne od poniedziałku do piątku w godzinach 8–16. Prosimy zostawić wiadomość."})
        box = directory.add_voicemail_box(tenant, {
            "name": "Poczta główna", "greeting_id": closed.id,
            "recipient_ids": [users[0].id], "extra_emails": ["biuro@firma-abc.example"],
        })
        number = directory.add_main_number(tenant, {"number": DEMO_MAIN_NUMBER, "is_primary": True, "label": "Główny"})
        scenario = models.Scenario(
            tenant_id=tenant.id, main_number_id=number.id, name="Godziny pracy",
            draft=demo_scenario(users[0], sales, accounting, box, greeting, closed, menu_prompt),
            draft_updated_at=models.utcnow(),
        )
        db.session.add(scenario)
        for name, company, numbers, groups, note in CONTACTS:
            contacts.add_contact(tenant, {"name": name, "company": company, "groups": groups, "note": note,
                                          "numbers": [{"label": label, "number": n} for label, n in numbers]})
        db.session.flush()
    return tenant
