"""Which operations of the OpenAPI document a bearer token's role is admitted to, found by asking the API.

The auth guard answers before any validation, so one request per operation with dummy parameters tells
whether the role gets past it: a 401/403 with an AUTH.* code means never, whatever the input. run.sh fuzzes
each role on the operations it is admitted to (the anonymous run sends every operation without a token).
Usage: admitted.py BASE_URL TOKEN  → prints one operationId a line; exits 1 if a refusal is not a problem document.
"""
import re
import sys
import uuid

import requests

base, token = sys.argv[1], sys.argv[2]
document = requests.get(f"{base}/api/docs-json", timeout=30).json()
bad = 0
for path, item in document["paths"].items():
    for method, operation in item.items():
        if method not in ("get", "post", "put", "patch", "delete"):
            continue
        if operation["operationId"] == "auth.logout":  # would revoke the token being probed with
            print(operation["operationId"])
            continue
        url = base + re.sub(r"\{[^}]+\}", str(uuid.UUID(int=0)), path)
        response = requests.request(method, url, headers={"authorization": f"Bearer {token}"}, json={} if method != "get" else None, timeout=30)
        if response.status_code in (401, 403):
            body = response.json() if response.headers.get("content-type", "").startswith("application/problem+json") else None
            if body is None:
                print(f"{method.upper()} {path}: {response.status_code} without a problem document", file=sys.stderr)
                bad += 1
                continue
            if str(body.get("code", "")).startswith("AUTH."):
                continue
        print(operation["operationId"])
sys.exit(1 if bad else 0)
