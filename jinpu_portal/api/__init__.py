"""What every API view shares: the JSON parser, the one error shape, the schema's error
answers and the Chinese field labels of validation errors.

Every error the API answers is JSON of one shape (``errors.ErrorSerializer``, the
``Error`` component of the OpenAPI schema)::

    {"detail": "申请说明：请确保这个字段不超过 500 个字符。", "code": "invalid",
     "errors": {"note": ["请确保这个字段不超过 500 个字符。"]}}

``detail`` is always Chinese a person can read (field errors prefixed with the field's
Chinese label), ``code`` a stable machine code, ``errors`` the field errors (empty when
the error is not about a field; nested fields joined with dots, e.g.
``verdicts.0.reason``). Settings: ``REST_FRAMEWORK["EXCEPTION_HANDLER"]`` and
``DEFAULT_FILTER_BACKENDS`` (``errors``), ``DEFAULT_PARSER_CLASSES`` (``parsers``),
``DEFAULT_SCHEMA_CLASS`` (``schema``). Answers made outside DRF (no route under /api/,
an error before the view) take the same shape in ``jinpu_portal.error_pages``.

Three modules, because DRF imports the classes its settings name while
``rest_framework.views`` is still loading: ``parsers`` imports nothing of DRF's views,
``errors`` and ``schema`` are loaded later. Import from the modules, not from here.
``fields`` holds the field helpers the apps' serializers share (an optional text).
"""
