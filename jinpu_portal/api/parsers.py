"""The API's request parsers (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``)."""

from rest_framework import exceptions
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, with JSON nested too deep for the decoder (``RecursionError``)
    and malformed JSON both a 400 with a Chinese message."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON 嵌套层数过多，无法处理。", "too_deep") from None
        except exceptions.ParseError:
            raise exceptions.ParseError("请求内容不是有效的 JSON。", "parse_error") from None
