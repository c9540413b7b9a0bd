"""Prints the asset the quickstart's agent created: GET /api/v1/assets/{id} on standard input."""
import json
import sys

detail = json.load(sys.stdin)
asset = detail["asset"]
inventory = detail.get("inventory") or {}
maker = " ".join(v for v in (asset.get("vendor"), asset.get("model")) if v) or "no DMI data"
print(f"Asset {asset['id']}: {asset.get('hostname')} ({maker}), {asset.get('osName')} {asset.get('osVersion') or ''}")
print(f"  agent {asset.get('agentID')}, last report {asset.get('lastReportAt')}")
packages = len(inventory.get("software", {}).get("packages", []))
pending = inventory.get("updates", {}).get("pending", [])
security = sum(1 for update in pending if update.get("security"))
print(f"  {packages} packages, {len(pending)} pending updates ({security} security)")
print(f"  faults: {len(detail['faults'])}")
for fault in detail["faults"]:
    print(f"    {fault['severity']:8} {fault['code']:26} {fault['summary']}")
tickets = detail.get("tickets", [])
print(f"  tickets opened for it: {len(tickets)}")
for ticket in tickets:
    print(f"    #{ticket['id']:<5} {ticket['status']:11} {ticket['priority']:8} tier {ticket['tier']}  {ticket['title']}")
