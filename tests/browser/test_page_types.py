"""Every page type in a real browser: axe-core finds no serious or critical accessibility problem,
nothing scrolls sideways from 320 px to wide screens, and screenshots at desktop and mobile widths
(and one in dark mode) are saved to test-artifacts/screenshots/ for people to look at."""

from __future__ import annotations

import pytest

from tests.articles.reader_data import build_reader_site
from tests.browser.conftest import DESKTOP, MOBILE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCROLL_WIDTHS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
# The WCAG 2.x A and AA rules (axe's "best-practice" extras are moderate at most, and double the time).
AXE_RUN = """async () => await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    resultTypes: ["violations"],
})"""


def page_types(site) -> dict[str, str]:
    when = site["stories"][1].published_at
    return {
        "home": "/",
        "article": site["lead"].get_absolute_url(),
        "article-seed": site["seed"].get_absolute_url(),
        "author": site["author"].get_absolute_url(),
        "section": "/sections/world/",
        "archive": "/archive/",
        "archive-month": f"/archive/{when:%Y/%m}/",
        "archive-undated": "/archive/undated/",
        "not-found": "/no-such-page/",
        "sections": "/sections/",
        "search": "/search/?q=kharkiv",
    }


def serious_violations(page) -> list[str]:
    result = page.evaluate(AXE_RUN)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sideways_scroll(page, width: int) -> str | None:
    page.set_viewport_size({"width": width, "height": MOBILE["height"]})
    scroll, client = page.evaluate(SCROLL_WIDTHS)
    return f"at {width} px: scrollWidth {scroll} > clientWidth {client}" if scroll > client else None


def test_every_page_type_is_accessible_responsive_and_photographed(new_page, axe_source, screenshots):
    desktop, mobile = new_page(DESKTOP), new_page(MOBILE, is_mobile=True, has_touch=True)
    desktop.context.add_init_script(axe_source)
    problems: dict[str, object] = {}
    for name, url in page_types(build_reader_site()).items():
        assert desktop.goto(url).status == (404 if name == "not-found" else 200), url
        if violations := serious_violations(desktop):
            problems[f"{name}: axe"] = violations
        desktop.screenshot(path=screenshots / f"{name}-desktop.png", full_page=True)
        if overflow := sideways_scroll(desktop, 1600):
            problems[f"{name}: wide"] = overflow
        desktop.set_viewport_size(DESKTOP)

        mobile.goto(url)
        for width in (320, MOBILE["width"]):
            if overflow := sideways_scroll(mobile, width):
                problems[f"{name}: narrow"] = overflow
        mobile.screenshot(path=screenshots / f"{name}-mobile.png", full_page=True)
    assert not problems, problems


def test_dark_mode_keeps_contrast(new_page, axe_source, screenshots):
    site = build_reader_site()
    page = new_page(DESKTOP, color_scheme="dark")
    page.context.add_init_script(axe_source)
    page.goto(site["lead"].get_absolute_url())
    assert serious_violations(page) == []
    page.screenshot(path=screenshots / "article-dark.png", full_page=True)
