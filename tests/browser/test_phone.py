"""The built website on a phone: every display equation and table can be read at 390 px.

Every page of the build (SITE_DIR, default _build/html) is opened at 390x844 CSS pixels (an
iPhone 12-15) with every folded solution and hidden cell opened. For each display equation and
each table, the test fails when

- it is cut off with no way to scroll to the rest: its content runs past a box that hides the
  overflow instead of scrolling it, or past the edge of the screen;
- a box that scrolls it is itself wider than the screen (the scroll bar would be off-screen);
- an equation's number overlaps the part of the equation that shows, or sits beside a
  cut-off equation on the same line (where "(5)" reads as part of the math).

Equations wider than the screen are allowed as long as they scroll inside their own box;
`pytest -s` prints them, so that long ones can be broken into lines.
"""

from __future__ import annotations

import pytest
from test_a11y import AUDITED, NO_TRANSITIONS, OPEN_ALL, WAIT_FOR_MATHJAX
from test_site import SITE_DIR, is_local, require_site, serve

PHONE = {"width": 390, "height": 844}

# For each display equation (a numbered one is a div.math with span.eqno; MathJax puts the
# numbers of a multi-line environment in mjx-labels) and each table: how far its content
# reaches, what scrolls it, and what clips it.
MEASURE = """
() => {
  const vw = document.documentElement.clientWidth;
  const rect = el => { const r = el.getBoundingClientRect();
                       return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      [...el.classList].slice(0, 3).map(c => '.' + c).join('');
  const beyond = (inner, outer) => inner.left < outer.left - 1 || inner.right > outer.right + 1;

  // Follows the content up to the page: returns [problem or null, the visible part, the
  // box that scrolls it or null].
  const reach = (content) => {
    let r = rect(content);
    let scroller = null;
    let visible = {...r};
    for (let a = content.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === 'visible') continue;
      const ar = rect(a);
      if (beyond(r, ar)) {
        const scrolls = (ox === 'auto' || ox === 'scroll') && a.scrollWidth > a.clientWidth + 1;
        if (!scrolls) {
          return [`cut off by ${name(a)} (overflow-x: ${ox}): content ` +
                  `${Math.round(r.right - r.left)} px wide, box ${Math.round(ar.right - ar.left)} px`,
                  visible, scroller];
        }
        r = ar;  // from here on, the scrolling box is what must fit
        scroller = scroller || a;
      }
      visible = {left: Math.max(visible.left, ar.left), right: Math.min(visible.right, ar.right),
                 top: visible.top, bottom: visible.bottom};
    }
    if (r.left < -1 || r.right > vw + 1) {
      return [`runs past the screen: ${Math.round(r.left)}..${Math.round(r.right)} px ` +
              `on a ${vw} px screen`, visible, scroller];
    }
    return [null, visible, scroller];
  };
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
                            Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const shown = el => el.checkVisibility() && el.getBoundingClientRect().width > 0;

  const equations = [...document.querySelectorAll('mjx-container[display="true"]')]
    .filter(shown).map((mjx, i) => {
      const math = mjx.querySelector(':scope > mjx-math') || mjx;
      const [problem, visible, scroller] = reach(math);
      const box = mjx.closest('div.math') || mjx.parentElement;
      const numbers = [...box.querySelectorAll(':scope > span.eqno'), ...mjx.querySelectorAll('mjx-labels > *')]
        .filter(shown);
      // A number overlaps when it covers the visible part of the equation's own rows.
      const rows = math.querySelectorAll('mjx-mtable > mjx-table, mjx-mtable > mjx-itable');
      const body = rows.length ? [...rows].map(rect) : [rect(math)];
      const hits = numbers.filter(n => {
        const nr = rect(n);
        return body.some(b => overlap(nr, {left: Math.max(b.left, visible.left),
                                           right: Math.min(b.right, visible.right),
                                           top: b.top, bottom: b.bottom}));
      });
      return {
        where: box.id || `display equation ${i + 1}`,
        tex: (mjx.querySelector('mjx-assistive-mml math') || {textContent: ''}).textContent
               .replace(/\\s+/g, ' ').slice(0, 60),
        width: Math.round(math.getBoundingClientRect().width),
        problem,
        overlaps: hits.map(n => n.textContent.replace('#', '').trim()),
        scrolls: !!scroller,
        // Beside a cut-off equation, on the same line, "(5)" reads as part of the math.
        beside: scroller ? numbers.filter(n => {
          const nr = rect(n), sr = rect(scroller);
          return Math.min(nr.bottom, sr.bottom) - Math.max(nr.top, sr.top) > 1;
        }).map(n => n.textContent.replace('#', '').trim()) : [],
      };
    });

  const tables = [...document.querySelectorAll('table')].filter(shown).map((t, i) => {
    const [problem] = reach(t);
    const caption = t.querySelector('caption');
    return {where: t.id || (caption ? `table "${caption.textContent.trim().slice(0, 40)}"`
                                    : `table ${i + 1} (${name(t.parentElement)})`),
            width: Math.round(t.getBoundingClientRect().width), problem};
  });
  return {viewport: vw, pageWidth: document.documentElement.scrollWidth, equations, tables};
}
"""


def measure_page(page, base: str, rel: str) -> dict:
    page.goto(f"{base}/{rel}", wait_until="load")
    page.evaluate(WAIT_FOR_MATHJAX)
    page.add_style_tag(content=NO_TRANSITIONS)
    page.evaluate(OPEN_ALL)
    return page.evaluate(MEASURE)


@pytest.fixture(scope="module")
def phone(browser):
    """One phone-sized tab for all pages; each page is measured once."""
    require_site()
    with serve(SITE_DIR) as base:
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True
        )
        context.set_default_timeout(20_000)
        context.route(
            "**/*", lambda r: r.continue_() if is_local(r.request.url, base) else r.abort()
        )
        page = context.new_page()
        cache: dict[str, dict] = {}

        def measure(rel: str) -> dict:
            if rel not in cache:
                cache[rel] = measure_page(page, base, rel)
            return cache[rel]

        yield measure
        context.close()


def phone_problems(m: dict) -> list[str]:
    problems = []
    if m["pageWidth"] > m["viewport"] + 1:
        problems.append(
            f"the page itself is {m['pageWidth']} px wide on a {m['viewport']} px screen"
        )
    for eq in m["equations"]:
        label = f"equation {eq['where']} ({eq['tex']!r}, {eq['width']} px)"
        if eq["problem"]:
            problems.append(f"{label}: {eq['problem']}")
        if eq["overlaps"]:
            problems.append(f"{label}: its number {eq['overlaps']} lies on top of the math")
        if eq["beside"]:
            problems.append(
                f"{label}: its number {eq['beside']} sits beside the cut-off math, on the same "
                "line, where it reads as part of the equation"
            )
    for t in m["tables"]:
        if t["problem"]:
            problems.append(f"{t['where']} ({t['width']} px): {t['problem']}")
    return problems


@pytest.mark.parametrize("rel", AUDITED)
def test_equations_and_tables_fit_a_phone(phone, rel):
    m = phone(rel)
    for eq in m["equations"]:  # allowed, since they scroll; shown with -s, for the authors
        if eq["scrolls"]:
            print(f"{rel}: {eq['where']} scrolls, {eq['width']} px wide: {eq['tex']!r}")
    problems = phone_problems(m)
    assert not problems, f"{rel} at {PHONE['width']} px:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------------------
# The test must bite: a page with each fault is caught, and a page that scrolls is not.

BROKEN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>broken on a phone</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script>window.MathJax = {startup: {promise: Promise.resolve()}};</script>
<style>
  body { margin: 0; padding: 0 16px; }
  mjx-container { display: block; }
  mjx-math { display: inline-block; white-space: nowrap; }
  .clipped { overflow: hidden; }
  .scrolls { overflow-x: auto; }
  div.math { position: relative; }
  .over { position: absolute; right: 0; top: 0; }
  .wide-box { width: 600px; overflow-x: auto; }
</style></head><body>
<div class="math clipped" id="equation-clipped"><mjx-container display="true">
  <mjx-math style="width: 700px">a very long equation</mjx-math></mjx-container></div>
<div class="math scrolls" id="equation-scrolls"><mjx-container display="true">
  <mjx-math style="width: 700px">a long equation that scrolls</mjx-math></mjx-container></div>
<div class="math" id="equation-covered"><span class="eqno over">(3)</span>
  <mjx-container display="true" class="scrolls">
  <mjx-math style="width: 350px">an equation under its number</mjx-math></mjx-container></div>
<div class="math" id="equation-beside" style="display: flex; flex-direction: row-reverse">
  <span class="eqno">(4)</span><mjx-container display="true" class="scrolls" style="flex: 1">
  <mjx-math style="width: 700px">a long equation with its number beside</mjx-math></mjx-container></div>
<div class="wide-box"><mjx-container display="true">
  <mjx-math style="width: 900px">in a scrolling box wider than the screen</mjx-math></mjx-container></div>
<div class="clipped"><table id="clipped-table"><tr><td style="min-width: 800px">wide</td></tr></table></div>
<div class="scrolls"><table id="fine-table"><tr><td style="min-width: 800px">wide</td></tr></table></div>
</body></html>
"""


def test_the_phone_check_catches_a_broken_page(browser, tmp_path):
    (tmp_path / "broken.html").write_text(BROKEN_PAGE, encoding="utf8")
    with serve(tmp_path) as base:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        try:
            m = measure_page(context.new_page(), base, "broken.html")
        finally:
            context.close()
    found = "\n".join(phone_problems(m))
    assert "equation equation-clipped" in found and "cut off by div#equation-clipped" in found
    assert "equation-scrolls" not in found
    assert "equation equation-covered" in found and "['(3)'] lies on top" in found
    assert "equation-beside" in found and "['(4)'] sits beside the cut-off math" in found
    assert "runs past the screen" in found and "div.wide-box" not in found
    assert "clipped-table" in found and "fine-table" not in found
    assert len(m["equations"]) == 5 and len(m["tables"]) == 2
