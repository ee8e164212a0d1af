"""Pagination of the API's lists: ``page`` and ``page_size``, both checked."""

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class SizedPagination(PageNumberPagination):
    """20 per page, ``page_size`` up to 100. A ``page_size`` that is not a whole number
    in range is a 400 (DRF would silently use the default), a page past the end a 404."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()  # ?page=last is not a page number the schema documents

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        value = raw[-1]
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
            message = f"每页条数须为 1 至 {self.max_page_size} 的整数。"
            error = exceptions.ValidationError({self.page_size_query_param: [message]})
            error.labels = {self.page_size_query_param: "每页条数"}
            raise error
        return int(value)

    def get_page_number(self, request, paginator):
        # DRF reads an empty ?page= as page 1; it is no page number (a 404 like "abc").
        return request.query_params.get(self.page_query_param, 1)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
