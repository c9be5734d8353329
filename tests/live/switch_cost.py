"""What a call costs a real FreeSWITCH and our processes: SIPp calls from the carrier at a steady rate.

Opt-in: needs the live switch and the Centralka serving it (the CENTRALKA_LIVE_* settings of
tests/live/test_live_switch.py, plus CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN). It adds
(once) a main number whose scenario forwards to a user who records calls and whose phone, rung
through the carrier, answers at once; SIPp then calls it at `--rate` calls/s, `--calls` calls,
each talking `--talk` s after the switch answers. The carrier's SIPp UAS binds CENTRALKA_LIVE_CARRIER.

Printed:
* calls answered (SIPp's count) and recordings (RECORD_STOP events, distinct channels): all
  calls must be answered and each recorded once, else the figures are not comparable;
* the switch's CPU (utime + stime of /proc/<pid>/stat) over the run, as a share of one
  processor per call/s, and CPU ms per call;
* the same for our processes: `centralka serve` and every process under it;
* bytes of dialplan XML the switch fetched per call: mod_xml_curl's own reply files, kept
  while the run lasts (`xml_curl debug_on`; the switch writes each reply to its temp_dir and
  parses it from there either way), the other sections apart.

    .venv/bin/python -m tests.live.switch_cost --switch-pid PID --centralka-pid PID [--rate 15] [--calls 600]
"""
from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from tempfile import mkdtemp

from tests.live.harness import CARRIER, LIVE_ESL, LIVE_SIP, SDP, api, gateway_up, msg, scenario, sipp, stop

NUMBER = os.environ.get("CENTRALKA_LIVE_COST_NUMBER", "48221000950")
PHONE = "+48501000950"
TICKS = os.sysconf("SC_CLK_TCK")


def line() -> int:
    """The measured main number (added and published once: a publish empties the endpoint's caches); the
    id of its company."""
    users = api("GET", "/api/users")
    user = next((u for u in users if u.get("phone") == PHONE), None) or api("POST", "/api/users", {
        "first_name": "Koszt", "last_name": "Centrali", "phone": PHONE, "email": "koszt@live.example",
        "record_calls": True})
    number = next((n for n in api("GET", "/api/main-numbers") if n["number"] == "+" + NUMBER), None) \
        or api("POST", "/api/main-numbers", {"number": "+" + NUMBER})
    root = {"id": "cost", "kind": "forward", "name": "Pomiar", "target": {"user": user["id"]}, "ring_seconds": 20,
            "no_answer": {"id": "bye", "kind": "hangup", "name": "Koniec"}}
    if not api("GET", f"/api/main-numbers/{number['id']}/scenario")["versions"]:
        api("PUT", f"/api/main-numbers/{number['id']}/scenario/draft", {"name": "Pomiar kosztu", "root": root})
        api("POST", f"/api/main-numbers/{number['id']}/scenario/publish")
    return api("GET", "/api/company")["id"]


def caller_scenario(talk: float) -> str:
    """INVITE, the answer, `talk` s, BYE; any refusal counts as a failed call."""
    head = ("Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
            "From: <sip:4860[call_number]@[local_ip]:[local_port]>;tag=cost[call_number]\n"
            f"To: <sip:{NUMBER}@[remote_ip]:[remote_port]>[peer_tag_param]\nCall-ID: [call_id]\n")
    invite = (f"INVITE sip:{NUMBER}@[remote_ip]:[remote_port] SIP/2.0\n{head}CSeq: 1 INVITE\n"
              "Contact: <sip:cost@[local_ip]:[local_port]>\nMax-Forwards: 70\n"
              f"Content-Type: application/sdp\nContent-Length: [len]\n\n{SDP}")

    def request(method: str, cseq: int) -> str:
        return (f"{method} sip:{NUMBER}@[remote_ip]:[remote_port] SIP/2.0\n{head}CSeq: {cseq} {method}\n"
                "Max-Forwards: 70\nContent-Length: 0\n")
    return scenario("cost_uac", [
        f'<send retrans="500">{msg(invite)}</send>',
        *[f'<recv response="{code}" optional="true"/>' for code in (100, 180, 183)],
        '<recv response="200" rtd="true"/>', f"<send>{msg(request('ACK', 1))}</send>",
        f'<pause milliseconds="{int(talk * 1000)}"/>',
        f"<send retrans=\"500\">{msg(request('BYE', 2))}</send>", '<recv response="200" crlf="true"/>'])


def carrier_scenario() -> str:
    """The carrier: every INVITE answered at once and kept until the BYE; OPTIONS pings answered."""
    tag = "[last_To:];tag=carrier[call_number]"
    common = f"[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n[last_CSeq:]\n"
    answered = (f"SIP/2.0 200 OK\n{common}Contact: <sip:[local_ip]:[local_port]>\n"
                f"Content-Type: application/sdp\nContent-Length: [len]\n\n{SDP}")
    ok = f"SIP/2.0 200 OK\n{common}Content-Length: 0\n"
    return scenario("cost_carrier", [
        '<recv request="OPTIONS" optional="true" next="options"/>', '<recv request="INVITE"/>',
        f"<send>{msg(answered)}</send>", '<recv request="ACK"/>', '<recv request="BYE"/>',
        f"<send>{msg(ok)}</send>", '<nop next="end"/>',
        '<label id="options"/>', f"<send>{msg(ok)}</send>", '<label id="end"/>'])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15 of proc(5))


def tree(root: int) -> list[int]:
    """`root` and every process under it."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    return found


def cpu_of(pids: list[int]) -> dict[int, float]:
    seconds = {}
    for pid in pids:
        try:
            seconds[pid] = cpu_seconds(pid)
        except OSError:
            pass  # ended meanwhile
    return seconds


class Switch:
    """The switch's event socket: API commands, and the RECORD_STOP events only (ALL would cost it more)."""

    def __init__(self):
        from pbx.esl.client import connect

        host, port, password = LIVE_ESL.rsplit(":", 2)
        self.stops, self.lock = [], threading.Lock()
        self.client = connect(host, int(port), password, on_events=self._take)
        self.client.subscribe(("RECORD_STOP",), fmt="json")

    def _take(self, events):
        with self.lock:
            self.stops += [e.get("Unique-ID") for e in events if e.name == "RECORD_STOP"]

    def api(self, command: str) -> str:
        return self.client.api(command).strip()

    def channels(self) -> int:
        return int(self.api("show channels count").split()[0] or 0)


def replies(folder: Path, before: set[str]) -> dict[str, list[int]]:
    """Sizes of the xml_curl reply files written since `before`, by section."""
    sizes: dict[str, list[int]] = {}
    for path in folder.glob("*.tmp.xml"):
        if path.name in before:
            continue
        head = path.read_bytes()[:400]
        section = next((s for s in ("dialplan", "directory", "configuration") if f'name="{s}"'.encode() in head),
                       "other" if head else "failed (no reply)")
        sizes.setdefault(section, []).append(path.stat().st_size)
    return sizes


def calls(switch: Switch, folder: Path, name: str, rate: float, count: int, talk: float) -> subprocess.Popen:
    """SIPp's calls, waited for until the switch is back to `idle` channels (the last recordings closed)."""
    idle = switch.channels()
    caller = sipp([LIVE_SIP, "-r", str(rate), "-m", str(count), "-l", str(count), "-i", "127.0.0.1", "-p", "15068",
                   "-mi", "127.0.0.1", "-mp", "16600", "-trace_stat", "-stf", str(folder / f"{name}_stats.csv"),
                   "-fd", "600"], caller_scenario(talk), folder, name)
    caller.wait(timeout=count / rate + talk + 120)
    deadline = time.monotonic() + 60
    while switch.channels() > idle and time.monotonic() < deadline:
        time.sleep(0.5)
    return caller


def run(args, switch: Switch, folder: Path, before: set[str], temp: Path) -> tuple[dict, float]:
    """SIPp's run after a slow warm-up (each endpoint worker compiles the company once); CPU seconds of
    the switch and of our processes over the run; its wall time."""
    carrier_host, carrier_port = CARRIER.rsplit(":", 1)
    carrier = sipp(["-i", carrier_host, "-p", carrier_port, "-mi", carrier_host, "-mp", "16500"],
                   carrier_scenario(), folder, "carrier")
    try:
        assert gateway_up(switch, 40), switch.api("sofia status gateway carrier")
        calls(switch, folder, "warmup", 2, args.warmup, 1.0)
        switch.stops.clear()
        before |= {p.name for p in temp.glob("*.tmp.xml")}  # the warm-up's replies are not counted
        ours = tree(args.centralka_pid)
        start_switch, start_ours, started = cpu_seconds(args.switch_pid), cpu_of(ours), time.monotonic()
        caller = calls(switch, folder, "caller", args.rate, args.calls, args.talk)
        wall = time.monotonic() - started
        end_switch, end_ours = cpu_seconds(args.switch_pid), cpu_of(ours)
    finally:
        stop(carrier)
    used_ours = sum(end_ours[p] - start_ours[p] for p in end_ours if p in start_ours)
    return {"switch": end_switch - start_switch, "ours": used_ours, "caller_rc": caller.returncode}, wall


def sipp_counts(folder: Path) -> tuple[int, int]:
    with open(folder / "caller_stats.csv") as fh:
        last = list(csv.DictReader(fh, delimiter=";"))[-1]
    return int(last["SuccessfulCall(C)"]), int(last["FailedCall(C)"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--switch-pid", type=int, required=True, help="the freeswitch process")
    parser.add_argument("--centralka-pid", type=int, required=True, help="`centralka serve` (its whole tree)")
    parser.add_argument("--rate", type=float, default=15.0, help="calls per second")
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--talk", type=float, default=8.0, help="seconds from the answer to the caller's BYE")
    parser.add_argument("--warmup", type=int, default=10, help="calls at 2/s before the measured run")
    args = parser.parse_args()
    tenant = line()
    switch, folder = Switch(), Path(mkdtemp(prefix="switch_cost_"))
    temp = Path(switch.api("global_getvar temp_dir"))
    before = {p.name for p in temp.glob("*.tmp.xml")}
    switch.api("xml_curl debug_on")
    try:
        used, wall = run(args, switch, folder, before, temp)
    finally:
        switch.api("xml_curl debug_off")
        time.sleep(1)
        switch.client.close()
    sizes = replies(temp, before)
    for path in temp.glob("*.tmp.xml"):
        if path.name not in before:
            path.unlink()
    answered, failed = sipp_counts(folder)
    recorded = len(switch.stops)
    per_rate = 100 * used["switch"] / wall / args.rate
    print(f"company {tenant}, number {NUMBER}: {args.calls} calls at {args.rate:g}/s, {args.talk:g} s each, "
          f"{wall:.1f} s wall (SIPp files in {folder})")
    print(f"answered {answered}, failed {failed} (SIPp exit {used['caller_rc']}); recorded {recorded} "
          f"({len(set(switch.stops))} distinct channels)")
    print(f"switch CPU: {used['switch']:.1f} s = {100 * used['switch'] / wall:.1f}% of one core, "
          f"{per_rate:.2f}% per call/s, {1000 * used['switch'] / args.calls:.1f} ms per call")
    print(f"our processes' CPU: {used['ours']:.1f} s = {100 * used['ours'] / wall:.1f}% of one core, "
          f"{100 * used['ours'] / wall / args.rate:.2f}% per call/s, {1000 * used['ours'] / args.calls:.1f} ms per call")
    for section, found in sorted(sizes.items()):
        print(f"xml_curl {section}: {len(found)} replies, {sum(found):,} bytes, "
              f"{sum(found) / args.calls:,.0f} bytes and {len(found) / args.calls:.2f} replies per call")
    if answered != args.calls or failed or recorded != args.calls or len(set(switch.stops)) != recorded:
        print("NOT COMPARABLE: not every call was answered and recorded once")
        sys.exit(1)


if __name__ == "__main__":
    main()
