#!/usr/bin/env python3
"""Send events to the eventtrack service and read a metric back, with
Python's standard library only (urllib, json, gzip, uuid).

Run against a running service:
  EVENTTRACK_URL=http://127.0.0.1:8080 EVENTTRACK_KEY=... EVENTTRACK_READ_KEY=... python3 examples/service_client.py
(examples/service.ts starts a service and runs this file against it.)
"""
import gzip
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

URL = os.environ.get("EVENTTRACK_URL", "http://127.0.0.1:8080")
KEY = os.environ["EVENTTRACK_KEY"]
READ_KEY = os.environ.get("EVENTTRACK_READ_KEY")


def post_events(events, retries=3):
    """POST a batch (gzip NDJSON); retried on 429/503 after Retry-After. Ids make retries safe."""
    body = gzip.compress("\n".join(json.dumps(e) for e in events).encode("utf-8"))
    request = urllib.request.Request(
        URL + "/v1/events",
        data=body,
        method="POST",
        headers={
            "Authorization": "Bearer " + KEY,
            "Content-Type": "application/x-ndjson",
            "Content-Encoding": "gzip",
            "User-Agent": "service_client.py",
        },
    )
    for attempt in range(retries + 1):
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            answer = json.load(error)
            if error.code in (429, 503) and attempt < retries:
                time.sleep(float(error.headers.get("Retry-After", "1")))
                continue
            return error.code, answer
    raise RuntimeError("unreachable")


def get(path):
    request = urllib.request.Request(URL + path, headers={"Authorization": "Bearer " + READ_KEY})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


before = get("/v1/metrics/history?slugs=page-views&granularity=day&limit=1")["series"][0]["total"] if READ_KEY else 0

events = [
    {"id": str(uuid.uuid4()), "name": "page.view", "data": {"path": "/docs"}, "context": {"user_id": 3}},
    {"id": str(uuid.uuid4()), "name": "page.view", "data": {"path": "/docs/api"}, "context": {"user_id": 3}},
    {"name": "py.bad", "timestamp": "1960-01-01T00:00:00Z"},
]
status, answer = post_events(events)
print("python: POST /v1/events ->", status, answer)
if status != 200 or answer["accepted"] != 2 or answer["rejected"][0]["reason"] != "invalid-timestamp":
    sys.exit("unexpected answer")

if READ_KEY:
    # The counters backend delivers in the background (about a second): poll.
    deadline = time.time() + 10
    total = before
    while total < before + 2 and time.time() < deadline:
        time.sleep(0.2)
        total = get("/v1/metrics/history?slugs=page-views&granularity=day&limit=1")["series"][0]["total"]
    print("python: page views today:", before, "->", total)
    if total != before + 2:
        sys.exit("the two page views were not counted")
