"""The container's liveness probe: GET /healthz on the local gunicorn, exit 0 when it answers ok.

Sent as the proxy would (Host in ALLOWED_HOSTS, X-Forwarded-Proto https), so neither the
host check nor the HTTPS redirect gets in the way. No Django import: it stays cheap.
"""

import json
import os
import sys
import urllib.request

port = os.environ.get("PORT", "8000")
host = os.environ.get("HEALTHCHECK_HOST", "localhost")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/healthz",
    headers={"Host": host, "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        ok = response.status == 200 and json.load(response).get("status") == "ok"
except Exception as error:
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
sys.exit(0 if ok else 1)
