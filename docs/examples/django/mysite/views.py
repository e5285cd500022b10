from __future__ import annotations

from django.http import JsonResponse


def whoami(request):
    apig = request.apig_context
    if apig is None:
        return JsonResponse({"local": True})
    claims = apig.authorizer or {}
    return JsonResponse(
        {"user": claims.get("sub"), "ip": apig.source_ip, "id": apig.request_id}
    )
