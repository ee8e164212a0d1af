"""Views that exist only for benchmarks (bench/), routed when BENCH_VIEWS=1.

``bench_bare_json`` is the baseline of bench/catalog_api_bench.py: the same server,
middleware and worker as the API, with no database work and no serializer.
"""

from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def bench_bare_json(request):
    return JsonResponse({"ok": True})
