"""The pages read most on a phone, at 360 px and at 1280 px: the member's statement, her passbook, her loan, and the
officer's dashboard. Nothing scrolls sideways, no two boxes of text overlap, no text is smaller than 12 px, and every
page the member's own page links to fits 360 px too (tests/browser/test_statement.py follows them all in both
languages; here the first level is also opened on a desktop)."""
from __future__ import annotations

from coop.extensions import db

# Boxes that overlap: two leaf elements holding text whose rectangles intersect by more than a pixel each way.
OVERLAPS = """() => {
  const boxes = [];
  for (const el of document.querySelectorAll('main *')) {
    if (el.children.length || !el.textContent.trim()) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.height) boxes.push([el, r]);
  }
  const found = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, p] = boxes[i], [b, q] = boxes[j];
    if (a.contains(b) || b.contains(a)) continue;
    const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
    const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
    if (w > 1 && h > 1) found.push(a.textContent.trim().slice(0, 30) + ' / ' + b.textContent.trim().slice(0, 30));
  }
  return found.slice(0, 5);
}"""
# A box that scrolls sideways inside the page hides part of itself (the menu cut at "Repo", with no sign of more).
HIDDEN_SIDEWAYS = """() => [...document.querySelectorAll('body *')].filter(el => {
  const o = getComputedStyle(el).overflowX;
  return (o === 'auto' || o === 'scroll' || o === 'hidden') && el.scrollWidth > el.clientWidth + 1
    && !el.closest('.table-wrap') && !['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)
    && getComputedStyle(el).textOverflow !== 'ellipsis';
}).map(el => el.tagName.toLowerCase() + '.' + el.className).slice(0, 5)"""
TINY = """() => [...document.querySelectorAll('main *')].filter(el => !el.children.length && el.textContent.trim()
  && parseFloat(getComputedStyle(el).fontSize) < 12).map(el => el.textContent.trim().slice(0, 30)).slice(0, 5)"""


def _check(viewer, width: int, name: str, shot) -> list[str]:
    problems = []
    scroll = viewer.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        problems.append(f"{name} at {width} px scrolls sideways ({scroll} px wide)")
    hidden = viewer.evaluate(HIDDEN_SIDEWAYS)
    if hidden:
        problems.append(f"{name} at {width} px: a box scrolls sideways inside the page: {hidden}")
    overlapping = viewer.evaluate(OVERLAPS)
    if overlapping:
        problems.append(f"{name} at {width} px: text overlaps: {overlapping}")
    tiny = viewer.evaluate(TINY)
    if tiny:
        problems.append(f"{name} at {width} px: text under 12 px: {tiny}")
    shot(viewer, f"{name}-{width}")
    return problems


def test_the_pages_read_on_a_phone_fit_360_and_1280_px(app, browser, live_server, log_in, shot):
    from coop.demo import seed

    from tests.browser.conftest import PHONE

    seed()
    db.session.commit()
    problems = []
    for width, options in ((360, PHONE), (1280, {"viewport": {"width": 1280, "height": 800}})):
        context = browser.new_context(base_url=live_server.url, locale="en-US", **options)
        context.set_default_timeout(15_000)
        viewer = context.new_page()
        log_in(viewer, "member", "demo-member-pass")
        viewer.goto("/o/dawn-mpc/me")
        passbook = viewer.eval_on_selector_all("a[href*='/savings/my/']", "a => a.map(x => x.getAttribute('href'))")
        loan = viewer.eval_on_selector_all("a[href*='/loans/mine/']", "a => a.map(x => x.getAttribute('href'))")
        assert passbook and loan, "her page links to her passbook and her loan"
        pages = [("member-page", "/o/dawn-mpc/me"), ("member-statement", "/o/dawn-mpc/me/statement?start=2025-01-01"),
                 ("member-passbook", next(h for h in passbook if "statement" in h or h.rstrip("/")[-1].isdigit())),
                 ("member-loan", next(h for h in loan if h.rstrip("/").split("/")[-1].isdigit()))]
        for name, url in pages:
            response = viewer.goto(url)
            assert response is not None and response.status == 200, f"{url} answers {response and response.status}"
            problems += _check(viewer, width, name, shot)
        context.close()
        context = browser.new_context(base_url=live_server.url, locale="en-US", **options)
        viewer = context.new_page()
        log_in(viewer, "officer", "demo-officer-pass")
        viewer.goto("/o/dawn-mpc/")
        problems += _check(viewer, width, "officer-dashboard", shot)
        context.close()
    assert not problems, "\n".join(problems)
