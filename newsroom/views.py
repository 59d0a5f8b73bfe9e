"""The project's own view: the framework's ceiling for benchmarks."""

from django.http import HttpRequest, HttpResponse


def hello(request: HttpRequest) -> HttpResponse:
    """The framework's ceiling for the page benchmark: routing and middleware, no database, no
    template. Mounted only when `BENCHMARK_HELLO` is set (bench/page_bench.py)."""
    return HttpResponse("hello", content_type="text/plain")
