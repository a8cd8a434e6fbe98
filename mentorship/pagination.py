"""The API's paginator, alone in its module: DRF imports it while loading
`rest_framework.generics`, so it must not import anything that needs generics."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}`, 20 a page, up to 100 with ?page_size=."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
