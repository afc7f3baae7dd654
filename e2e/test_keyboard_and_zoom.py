"""What axe does not see (JIS X 8341-3 AA): text enlarged to 200 %, and where the keyboard's focus is.

* 1.4.4: with the text at 200 % (not the page zoom), the green menu bar wraps and grows; no item runs
  off the edge or ends up white on white.
* 2.4.7 / 1.4.11: focus on the bar and on a radio button is a clear outline, not Bootstrap's faint ring.
"""

import pytest
from playwright.sync_api import expect

from e2e.steps import login

pytestmark = [pytest.mark.browser]

BAR_GREEN = (0x1B, 0x5E, 0x20)


def _luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rgb(css: str):
    return tuple(int(float(v)) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


def test_the_menu_bar_wraps_when_the_text_is_enlarged_to_200_percent(page, live_server, admin):
    login(page, live_server, admin)  # the sysadmin has the longest menu
    # Text size only, as a browser's "font size" setting does: Bootstrap sizes text in rem.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    bar = page.get_by_role("navigation", name="メインメニュー")
    box = bar.bounding_box()
    width = page.viewport_size["width"]
    items = bar.get_by_role("link").all() + bar.get_by_role("button").all()
    assert len(items) >= 10
    for item in items:
        b = item.bounding_box()
        name = item.inner_text()
        assert b["x"] >= 0 and b["x"] + b["width"] <= width, f"{name} runs off the edge"
        # On the green: inside the bar's box, whose background is the green.
        assert box["y"] <= b["y"] and b["y"] + b["height"] <= box["y"] + box["height"], f"{name} is off the bar"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_keyboard_focus_stands_out_on_the_bar_and_on_radios(page, live_server, staff_a):
    login(page, live_server, staff_a)
    page.goto("/requests/new/")
    # From the top of the page, Tab reaches the skip link, the brand, then the menu's links.
    focused = None
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        if focused.evaluate("el => el.matches('.bg-komae .nav-link.active')"):
            break
    else:
        pytest.fail("Tab never reached the menu's current page")
    style = focused.evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert style[0] == "solid" and float(style[1].removesuffix("px")) >= 2, style
    assert contrast(_rgb(style[2]), BAR_GREEN) >= 3, f"focus outline {style[2]} is faint on the green bar"

    # A radio button of the request form: Tab to it; its outline is as clear against the white page.
    page.get_by_label("分野").select_option(label="子育て・教育")
    page.get_by_label("利用したいSNS").select_option(label="LINE")
    page.get_by_role("button", name="次へ").click()
    expect(page.locator("input[type=radio]").first).to_be_visible()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    else:
        pytest.fail("Tab never reached a radio button")
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert style[0] == "solid" and float(style[1].removesuffix("px")) >= 2, style
    assert contrast(_rgb(style[2]), (255, 255, 255)) >= 3
