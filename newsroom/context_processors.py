from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    """The site's name for every template."""
    return {"SITE_NAME": settings.SITE_NAME}
