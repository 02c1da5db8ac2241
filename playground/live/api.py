"""HTTP API of the live seam: `POST /api/pulse {"channel", "count", "interval_ms"}` asks a worker
for pulses."""

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from playground.errors import json_error
from playground.live.pulses import MAX_INTERVAL_MS, MAX_PULSES, is_valid_channel
from playground.live.tasks import send_pulses


@require_POST
def pulse_start(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return json_error(400, "the body is not JSON")
    if not isinstance(body, dict):
        return json_error(400, "the body must be a JSON object")
    channel = body.get("channel")
    count = body.get("count", 5)
    interval_ms = body.get("interval_ms", 0)
    problems = []
    if not isinstance(channel, str) or not is_valid_channel(channel):
        problems.append("channel: must be 32 lowercase hex characters (a random 128-bit name)")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PULSES:
        problems.append(f"count: must be an integer from 1 to {MAX_PULSES}")
    if (
        isinstance(interval_ms, bool)
        or not isinstance(interval_ms, int)
        or not 0 <= interval_ms <= MAX_INTERVAL_MS
    ):
        problems.append(f"interval_ms: must be an integer from 0 to {MAX_INTERVAL_MS}")
    if problems:
        return json_error(400, "invalid pulse request", problems)
    send_pulses.delay(channel, count, interval_ms)
    return JsonResponse(
        {"channel": channel, "count": count, "interval_ms": interval_ms, "ws_url": f"/ws/pulse/{channel}/"},
        status=202,
    )
