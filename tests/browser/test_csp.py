"""The CSP watch itself: a page that breaks the policy is caught (so a clean run means something)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_is_refused_and_reported(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto("/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';
                            document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.x") is None  # the policy blocked it
    assert any("Content Security Policy" in text for text in messages)
    context.close()
