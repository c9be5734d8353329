"""The endpoint as FreeSWITCH asks it: `/xml_curl` of the running app, with a draft laid over if asked."""
from __future__ import annotations

import time
from urllib.parse import urlencode

from lxml import etree

from pbx import models
from pbx.company_dialplan import callcenter_queues, snapshot_of
from pbx.compiler import compile_tree
from pbx.extensions import db
from pbx.messages import Message
from pbx.testcall.errors import TestCallInputError
from xml_curl.asking import Asker
from xml_curl.configuration import callcenter_document
from xml_curl.request import parse_form

FORM = "application/x-www-form-urlencoded"
FALLBACK_WAIT = 10.0      # how long to wait for the endpoint to finish compiling a new revision


class Endpoint:
    """POSTs to `/xml_curl` of the running app, each request in its own app context (like a worker)."""

    def __init__(self, app, overlay: "DraftOverlay | None" = None):
        self.app, self.overlay = app, overlay
        self.client = app.test_client()
        user, password = app.config.get("XML_CURL_USER"), app.config.get("XML_CURL_PASSWORD", "")
        self.auth = (user, password) if user else None

    def post(self, form: dict) -> bytes:
        deadline = time.monotonic() + FALLBACK_WAIT
        while True:
            with self.app.app_context():
                response = self.client.post("/xml_curl", data=urlencode(form), content_type=FORM, auth=self.auth)
            if response.status_code != 200:
                raise RuntimeError(f"/xml_curl answered {response.status_code}")
            # The safe reply while a new revision compiles: the real switch would get it too, but a
            # test call is about the scenario, so wait for the compile to land in the cache.
            if b'name="centralka_fallback"' not in response.data:
                return response.data
            if time.monotonic() > deadline:
                raise RuntimeError("the endpoint serves its fallback dialplan: is the database reachable?")
            time.sleep(0.1)

    def dialplan(self, form: dict) -> bytes:
        if self.overlay is not None and (asked := self.overlay.ask(form)) is not None:
            return asked
        body = self.post(form)
        if self.overlay is not None:
            return self.overlay.apply(body, form.get("Hunt-Context", ""))
        return body

    def callcenter_conf(self) -> bytes:
        if self.overlay is not None:
            return self.overlay.callcenter_conf()
        return self.post({"section": "configuration", "tag_name": "configuration", "key_name": "name",
                          "key_value": "callcenter.conf"})

    def directory_variables(self, extension: str, domain: str) -> dict[str, str]:
        """The variables FreeSWITCH copies onto a call from the SIP user's directory entry."""
        body = self.post({"section": "directory", "tag_name": "domain", "key_name": "name", "key_value": domain,
                          "action": "sip_auth", "user": extension, "domain": domain})
        root = etree.fromstring(body)
        return {v.get("name"): v.get("value") for v in root.iterfind(".//user/variables/variable")}


class DraftOverlay:
    """The scenario's draft compiled in memory, served in place of its published extensions and queues."""

    def __init__(self, tenant: models.Tenant, scenario: models.Scenario, config):
        if scenario.draft is None:
            raise TestCallInputError(Message("scenario.no_draft"))
        self.tenant_id, self.scenario_id, self.main_number_id = tenant.id, scenario.id, scenario.main_number_id
        self.config = config
        self.compiled = compile_tree(scenario.draft, snapshot_of(tenant, config), scenario_id=scenario.id, version_id=0,
                                     main_number_id=scenario.main_number_id)
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        self.extensions = etree.fromstring(self.compiled.xml, parser).findall("section/context/extension")
        self.asks = {ask["ask"]: ask for ask in self.compiled.meta["asks"]}
        self.asker = Asker(config, lambda tenant_id: db.session.get(models.Tenant, tenant_id).server_secret)

    def ask(self, form: dict) -> bytes | None:
        """A draft's "Call a server" node asks the server as the endpoint does for a published one."""
        spec = self.asks.get(form.get("Hunt-Destination-Number", ""))
        if spec is None or form.get("Hunt-Context") != f"tenant_{self.tenant_id}":
            return None
        return self.asker.reply(spec, parse_form(urlencode(form).encode()), self.tenant_id, time.monotonic())

    def owns(self, name: str) -> bool:
        main = f"main_{self.main_number_id}"
        return name == main or name.startswith((f"{main}_", f"s{self.scenario_id}_"))

    def apply(self, body: bytes, context: str) -> bytes:
        if context != f"tenant_{self.tenant_id}":
            return body
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
        xcontext = root.find(f"section/context[@name='{context}']")
        if xcontext is None:
            return body
        for extension in xcontext.findall("extension"):
            if self.owns(extension.get("name", "")):
                xcontext.remove(extension)
        for index, extension in enumerate(self.extensions):
            xcontext.insert(index, etree.fromstring(etree.tostring(extension)))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def callcenter_conf(self) -> bytes:
        prefix = f"t{self.tenant_id}_s{self.scenario_id}_"
        queues = [q for q in callcenter_queues(self.config) if not q["name"].startswith(prefix)] \
            + self.compiled.meta["queues"]
        return callcenter_document(sorted(queues, key=lambda q: q["name"]))
