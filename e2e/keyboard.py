"""The keyboard alone: Tab to a control, then type, Space, the arrow keys or Enter — no mouse.

Every move checks what a keyboard user needs: focus moves on each Tab (no trap, 2.1.2) and the
focused control shows a visible outline (2.4.7).
"""

from __future__ import annotations

MAX_TABS = 400

# Where the focus is, and whether it is on `target`: one round trip to the browser per Tab.
_FOCUS = """target => {
  const el = document.activeElement;
  if (!el || el === document.body) return {reached: false, html: null, outline: false};
  const s = getComputedStyle(el);
  return {
    reached: el === target,
    html: el.outerHTML.slice(0, 160),
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
  };
}"""


class KeyboardTrap(AssertionError):
    pass


def tab_to(page, target) -> None:
    """Press Tab (forward only) until ``target`` (a locator) has the focus."""
    target.wait_for()
    handle = target.element_handle()
    stuck, last = 0, None
    focus = page.evaluate(_FOCUS, handle)
    for _ in range(MAX_TABS):
        if focus["reached"]:
            assert focus["outline"], f"no visible focus on {focus['html']}"
            return
        page.keyboard.press("Tab")
        focus = page.evaluate(_FOCUS, handle)
        html = focus["html"]
        stuck = stuck + 1 if html is not None and html == last else 0
        if stuck >= 3:
            raise KeyboardTrap(f"focus does not leave {html}")
        last = html
    raise AssertionError(f"Tab never reached {target} in {MAX_TABS} presses")


def type_into(page, field, text: str) -> None:
    tab_to(page, field)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)  # what an IME commits


def activate(page, control) -> None:
    """Follow a link or press a button with Enter."""
    tab_to(page, control)
    page.keyboard.press("Enter")


def toggle(page, checkbox) -> None:
    tab_to(page, checkbox)
    page.keyboard.press("Space")


def choose_option(page, select, label: str) -> None:
    """Pick an option of a closed <select> with the arrow keys."""
    tab_to(page, select)
    for _ in range(60):
        if select.evaluate("el => el.options[el.selectedIndex].text") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {label!r} not reached with the arrow keys")


def choose_radio(page, group, label: str) -> None:
    """Tab into a radio group (one stop for the whole group), then move with the arrow keys."""
    target = group.get_by_label(label, exact=True)
    radios = group.locator("input[type=radio]")
    # Tab lands on the group's checked radio, or on its first one when none is checked.
    checked = group.locator("input[type=radio]:checked")
    tab_to(page, checked if checked.count() else radios.first)
    if not checked.count():
        page.keyboard.press("Space")
    for _ in range(radios.count()):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"radio {label!r} not reached with the arrow keys")
