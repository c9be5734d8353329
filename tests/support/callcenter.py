"""Queues of several companies, as the compiler returns them per company (contract shape)."""
from __future__ import annotations

# Ids chosen so that name order differs from number order (t10_ < t1_ < t2_).
COMPANY_IDS = (1, 2, 10, 12, 100)


def company_queues(tenant_id: int) -> list[dict]:
    """Two scenario queues sharing an agent, and a longest-idle group's queue, when the id says so."""
    agents = [{"name": f"t{tenant_id}_s3_support_u{user}@default", "ring_seconds": 20 + user,
               "contact": f"[centralka_user={user}]sofia/gateway/carrier/4850100{tenant_id:04d}{user}"}
              for user in (5, 6)]
    queues = [
        {"name": f"t{tenant_id}_s3_support@default", "strategy": "sequential", "max_wait_seconds": 90,
         "moh_sound": None, "agents": agents},
        {"name": f"t{tenant_id}_s3_sales@default", "strategy": "random", "max_wait_seconds": None,
         "moh_sound": f"/prompts/{tenant_id}/muzyka-oczekiwania.wav", "agents": agents[1:]},
    ]
    if tenant_id % 2 == 0:
        queues.append({"name": f"t{tenant_id}_g7@default", "strategy": "longest-idle", "max_wait_seconds": 300,
                       "agents": [{"name": f"t{tenant_id}_g7_u9@default", "ring_seconds": 0,
                                   "contact": "[leg_timeout=15]user/109@t%d.pbx.local" % tenant_id}]})
    return sorted(queues, key=lambda queue: queue["name"])


def every_queue() -> list[dict]:
    return sorted((q for tenant_id in COMPANY_IDS for q in company_queues(tenant_id)), key=lambda q: q["name"])
