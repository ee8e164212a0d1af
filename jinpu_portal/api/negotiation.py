"""JSON answers without content negotiation, for the busiest public endpoints (the
rating link's API, the kiosk's ticket): ``JSONAnswers``.

DRF's default negotiation reads the Accept header through ``request.headers``, which
builds a dictionary of every header of the request (about a tenth of a millisecond on
each rating: bench/README.md), to choose between JSON and the browsable API. These
endpoints answer JSON only; a client that asks for anything else gets JSON too, as
most APIs answer. The request's parser is still chosen by its Content-Type, as DRF
does (an unsupported one is a 415).
"""

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer


class JSONOnly(DefaultContentNegotiation):
    """DRF's parser selection; the first renderer for every answer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        return renderer, renderer.media_type


class JSONAnswers:
    """An APIView mixin: JSON answers, whatever the Accept header says."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
