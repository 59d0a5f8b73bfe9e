"""HTML pages of the shapes the old `<p>`-only front end lost: the body's blocks survive, whatever
the markup around them (the main text from trafilatura, articles/importer/main_text.py)."""

from __future__ import annotations

import pytest

from articles.importer.pages import read_saved_page
from articles.importer.parse_html import looks_like_html, parse_html_page
from articles.importer.parsed import Block

# Long enough to read as a story: extractors weigh text against markup.
ONE = "The city council voted on Tuesday to rebuild the old river bridge before the winter floods arrive."
TWO = "Engineers said the work would take eleven weeks and close the road to lorries for most of that time."
THREE = "Residents of both banks asked for a ferry while the bridge is shut, and the council agreed to pay."
POINTS = ["New steel supports under both arches", "A wider footpath on the downstream side"]


def page(body: str, head: str = "<title>Bridge to be rebuilt | Riverside Post</title>") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def kinds(blocks: list[Block]) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in blocks]


def test_lists_and_subheads_are_blocks_of_the_body():
    parsed = parse_html_page(
        page(
            f"<article><h1>Bridge to be rebuilt</h1><p>{ONE}</p><h2>What changes</h2>"
            f"<ul><li>{POINTS[0]}</li><li>{POINTS[1]}</li></ul><p>{TWO}</p>"
            f"<ol><li>Close the road</li><li>Open the ferry</li></ol><blockquote><p>{THREE}</p></blockquote>"
            "</article>"
        )
    )
    assert kinds(parsed.blocks) == [
        ("p", ONE),
        ("h2", "What changes"),
        ("ul", POINTS[0]),
        ("ul", POINTS[1]),
        ("p", TWO),
        ("ol", "Close the road"),
        ("ol", "Open the ferry"),
        ("quote", THREE),
    ]
    assert parsed.title == "Bridge to be rebuilt" and parsed.paragraphs[0] == ONE


def test_paragraphs_written_as_divs_are_read():
    parsed = parse_html_page(
        page(
            '<div id="content"><h1>Bridge to be rebuilt</h1>'
            f"<div>{ONE}</div><div>{TWO}</div><div>{THREE}</div></div>"
        )
    )
    assert parsed.paragraphs == [ONE, TWO, THREE]


def test_a_blogger_post_body_with_line_breaks_is_read():
    body = f"{ONE}<br><br>{TWO}<br><br>{THREE}"
    parsed = parse_html_page(
        page(
            '<div class="blog-posts"><div class="post hentry">'
            '<h3 class="post-title">Bridge to be rebuilt</h3>'
            f'<div class="post-body entry-content">{body}</div>'
            '<div class="post-footer">Posted by Ann at 9:14 AM</div></div></div>'
            '<div class="sidebar"><h2>Blog archive</h2><ul><li>2024 (12)</li></ul></div>'
        )
    )
    text = " ".join(parsed.paragraphs)
    assert ONE in text and TWO in text and THREE in text
    assert "Blog archive" not in text


def test_a_post_kept_in_noscript_is_read():
    parsed = parse_html_page(
        page(f'<div id="app"></div><noscript><article><h1>Bridge to be rebuilt</h1><p>{ONE}</p><p>{TWO}</p>'
             f"<p>{THREE}</p></article></noscript>")
    )  # fmt: skip
    assert ONE in " ".join(parsed.paragraphs) and THREE in " ".join(parsed.paragraphs)


def test_a_page_that_starts_with_a_style_sheet_is_html():
    text = (
        f"<style>body {{ font: 16px serif }}</style>\n<h1>Bridge to be rebuilt</h1><p>{ONE}</p><p>{TWO}</p>"
    )
    assert looks_like_html(text)
    parsed = read_saved_page(text.encode(), origin="styled.html").parsed
    assert parsed.title == "Bridge to be rebuilt" and parsed.paragraphs[:2] == [ONE, TWO]


def test_an_h1_outside_the_article_and_a_nav_article_are_not_the_story():
    parsed = parse_html_page(
        page(
            '<nav><article class="menu-card"><p>Subscribe for 1 dollar</p></article></nav>'
            "<header><h1>Bridge to be rebuilt</h1></header>"
            f"<main><article><p>{ONE}</p><p>{TWO}</p><p>{THREE}</p></article></main>"
            '<section class="comments"><article><p>First! Great post.</p></article></section>'
        )
    )
    assert parsed.title == "Bridge to be rebuilt"
    assert parsed.paragraphs == [ONE, TWO, THREE]


def test_a_body_inside_a_form_is_read():
    parsed = parse_html_page(
        page(f'<form id="aspnetForm" action="/story"><div class="story"><h1>Bridge to be rebuilt</h1>'
             f"<p>{ONE}</p><p>{TWO}</p><p>{THREE}</p></div></form>")
    )  # fmt: skip
    assert parsed.paragraphs == [ONE, TWO, THREE]


@pytest.mark.parametrize(
    "extra", ["<pre>make bridge --winter</pre>", "<table><tr><td>Cost</td><td>4m</td></tr></table>"]
)
def test_preformatted_text_and_tables_keep_their_text(extra):
    parsed = parse_html_page(
        page(f"<article><h1>Bridge to be rebuilt</h1><p>{ONE}</p>{extra}<p>{TWO}</p></article>")
    )
    text = " ".join(parsed.paragraphs)
    assert ("make bridge --winter" in text) or ("Cost" in text and "4m" in text)
