"""Vietnamese first: the catalogue is complete, uses the law's terms, and money/dates read right."""

import datetime
import re
from pathlib import Path

import polib
from django.template import Context, Template
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_the_vietnamese_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.percent_translated() == 100


def test_the_roles_use_the_laws_terms():
    with translation.override("vi"):
        assert translation.gettext("Head of unit") == "Người đứng đầu"
        assert translation.gettext("Innovation portal") == "Cổng đổi mới sáng tạo"
        assert translation.gettext("My work") == "Việc của tôi"


def test_money_is_shown_with_dots_and_the_dong_sign():
    rendered = Template("{% load portal_tags %}{{ a|vnd }}|{{ b|vnd }}|{{ c|vnd }}").render(
        Context({"a": 1234567, "b": -5000, "c": None})
    )
    assert rendered == "1.234.567 ₫|-5.000 ₫|"


def test_dates_are_shown_dd_mm_yyyy_in_both_languages():
    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }}')
    for language in ("vi", "en"):
        with translation.override(language):
            assert template.render(Context({"d": datetime.date(2026, 2, 3)})) == "03/02/2026"


ROOT = CATALOGUE.parents[3]
TEMPLATE_STRING = re.compile(r'{%\s*(?:translate|trans)\s+"([^"]+)"')
PYTHON_STRING = re.compile(r'\b_\(\s*"((?:[^"\\]|\\.)+)"\s*\)')


def source_strings() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "templates").rglob("*.html"):
        found |= set(TEMPLATE_STRING.findall(path.read_text()))
    for app in ("portal", "proposals", "pilots", "accountability"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found |= set(PYTHON_STRING.findall(path.read_text()))
    return found


def test_every_marked_string_in_the_source_is_in_the_vietnamese_catalogue():
    # makemessages writes a literal % in a template string as %%.
    known = {entry.msgid.replace("%%", "%") for entry in polib.pofile(str(CATALOGUE))}
    # a third party's template kept in templates/ (simple_history's) is translated in locale_vendor/
    known |= {entry.msgid for entry in polib.pofile(str(ROOT / "locale_vendor/vi/LC_MESSAGES/django.po"))}
    missing = sorted({text for text in source_strings() if text.replace("%%", "%") not in known})
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing)
