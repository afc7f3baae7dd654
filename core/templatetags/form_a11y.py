"""What every form page says about its errors and required fields (WCAG 3.3.1, 3.3.2, 3.3.3).

``{% error_summary form [form2 | formset …] %}`` lists every problem as a link to its field at the top
of the form; ``{% required_note form %}`` explains crispy's 「*」 once; ``{% error_title_prefix %}`` in
base.html starts the page title with 「エラー：」 when a form on the page has errors.
"""

from dataclasses import dataclass

from django import template
from django.forms import BaseForm, BaseFormSet
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.safestring import mark_safe

register = template.Library()

TITLE_PREFIX = "エラー："


@dataclass(frozen=True)
class Problem:
    message: str
    label: str = ""
    href: str = ""


def _field_anchor(bound_field) -> str:
    """The id of the first input of a field: the box itself, or the first radio/checkbox of a group."""
    widget = bound_field.field.widget
    anchor = bound_field.id_for_label
    if not anchor and bound_field.auto_id:
        # RadioSelect and CheckboxSelectMultiple label no single input; their options are id_<name>_0, _1 …
        anchor = widget.id_for_label(bound_field.auto_id, "0")
    return anchor


def _form_problems(form: BaseForm, *, url: str, prefix: str = "") -> list[Problem]:
    problems = [Problem(message=str(message)) for message in form.errors.get(NON_FIELD_ERRORS, [])]
    for name in form.fields:
        if name not in form.errors:
            continue
        bound_field = form[name]
        anchor = "" if bound_field.is_hidden else _field_anchor(bound_field)
        label = f"{prefix}{bound_field.label}" if bound_field.label and not bound_field.is_hidden else prefix
        for message in map(str, bound_field.errors):
            # 「提出するには「分野」が必要です。」 names its field already.
            named = not prefix and bool(bound_field.label) and f"「{bound_field.label}」" in message
            problems.append(
                Problem(message=message, label="" if named else label, href=f"{url}#{anchor}" if anchor else "")
            )
    return problems


def problems_of(*forms, url: str = "", item_label: str = "") -> list[Problem]:
    """Every error of the forms and formsets, in page order; ``item_label`` names a formset's forms
    ("第{}条の" → 第3条の見出し), ``url`` leads the links to another page (the edit page, from a confirmation)."""
    problems: list[Problem] = []
    for form in forms:
        if isinstance(form, BaseFormSet):
            problems.extend(Problem(message=str(message)) for message in form.non_form_errors())
            for number, member in enumerate(form.forms, start=1):
                prefix = item_label.format(number) if item_label else f"{number}番目の"
                problems.extend(_form_problems(member, url=url, prefix=prefix))
        elif isinstance(form, BaseForm):
            problems.extend(_form_problems(form, url=url))
    return problems


@register.inclusion_tag("core/_error_summary.html")
def error_summary(
    *forms, url: str = "", item_label: str = "", heading: str = "入力内容を確認してください", level: int = 2
):
    """The list of problems at the top of a form; empty when there are none. ``level``: of its heading,
    3 for a form in a section of the page (a vote, a follower count)."""
    problems = problems_of(*forms, url=url, item_label=item_label)
    return {"problems": problems, "heading": heading, "level": level}


@register.simple_tag
def required_note(*forms) -> str:
    """「* は必須項目です。」 once per form that marks a field with crispy's asterisk."""
    members = []
    for form in forms:
        members.extend(form.forms if isinstance(form, BaseFormSet) else [form])
    for form in members:
        if isinstance(form, BaseForm) and any(f.field.required for f in form.visible_fields()):
            return mark_safe('<p class="small required-note">* は必須項目です。</p>')
    return ""


def _has_errors(value) -> bool:
    # type(), not isinstance(): a lazy object in the context (csrf_token, user) must not be evaluated.
    kind = type(value)
    if issubclass(kind, BaseForm):
        return bool(value.errors)
    if issubclass(kind, BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    return False


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """「エラー：」 when a form in the page's context has errors (WCAG 2.4.2 with 3.3.1)."""
    return TITLE_PREFIX if any(_has_errors(value) for value in context.flatten().values()) else ""
