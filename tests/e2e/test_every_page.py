"""Every page each demo persona can reach, in Chromium (issue 13, acceptance 2–4).

Each persona signs in and walks the portal by its own links from "Việc của tôi" (one page of each
kind, identified by its path with the numbers taken out), first in Vietnamese, then in English,
then on a 390×844 phone screen:
- axe-core (vendored from the npm registry, injected by Playwright — no CDN) finds no critical and
  no serious violation on any page, in either language;
- in English, no text of the Vietnamese catalogue is left on the page (people's names, units and
  what people typed are data, not catalogue text, so they may stay);
- on the phone, nothing is wider than the screen: the page does not scroll sideways and no element
  sticks out of it (tables reflow into labelled rows instead of scrolling inside their card).
Screenshots of every page land in tests/e2e/artifacts/every_page/."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from portal.models import Unit
from tests.e2e.conftest import sign_in

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PERSONAS = ("cadre_a", "head_a", "deputy_a", "inspector", "orgcom", "admin")
MAX_PAGES = 40
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# Links that leave the pages under test: signing out, the language switch, the API and its docs
# (Swagger's own page), files to download.
SKIP = re.compile(
    r"^/(accounts/logout|i18n/|api/|static/|media/)|/(download|files?|export|documents?)/|\.(xlsx|pdf|csv|zip)$"
)

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "critical" || v.impact === "serious")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""

LINKS = """() => Array.from(document.querySelectorAll("a[href]"))
  .map(a => a.href).filter(href => href.startsWith(location.origin))"""

TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  if (document.documentElement.scrollWidth > width + 1) {
    wide.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}px`);
  }
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (!box.width || !element.checkVisibility()) continue;
    if (box.right > width + 1 || box.left < -1) {
      const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + (element.className && typeof element.className === "string"
           ? "." + element.className.trim().split(/\\s+/).join(".") : "");
      wide.push(`${name}: ${Math.round(box.left)}..${Math.round(box.right)}px`);
    }
  }
  return wide.slice(0, 5);
}"""

# The visible text, node by node; text marked as written in Vietnamese (the language switch's own
# "Tiếng Việt") is the language's name, not an untranslated label.
TEXTS = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!text || !parent || parent.closest("script, style, template")) continue;
    if (parent.closest("[lang]") !== document.documentElement) continue;
    if (parent.checkVisibility() || parent.closest("option")) texts.push(text);
  }
  return texts;
}"""

PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{[^}]*\}|\n|<[^>]+>")


def vietnamese_fragments() -> list[str]:
    """The portal's Vietnamese texts, cut at their placeholders: what must not be seen in English."""
    fragments = set()
    for root in (*django_settings.LOCALE_PATHS,):
        catalogue = Path(root) / "vi" / "LC_MESSAGES" / "django.po"
        if not catalogue.exists():
            continue
        for entry in polib.pofile(str(catalogue)):
            texts = [entry.msgstr, *entry.msgstr_plural.values()]
            for text in texts:
                if not text or text == entry.msgid:
                    continue
                for piece in PLACEHOLDER.split(text):
                    piece = piece.strip(" .:,;()«»\"'—–-")
                    # A single short word ("Có", "Sở") may be part of a name; a phrase is not.
                    if len(piece) >= 8 and " " in piece and not piece.isascii():
                        fragments.add(piece)
    return sorted(fragments, key=len, reverse=True)


def untranslated(texts: list[str], fragments: list[str], data: list[str]) -> list[str]:
    """The catalogue's Vietnamese on the page: a text that is a catalogue phrase (or mostly one), or a
    sentence of the catalogue anywhere. A short phrase inside a longer text is what someone wrote
    ("… theo hình thức trọn gói"), not a label, and is let be; so are people's names and positions
    and units' names ("Thanh tra viên" is the inspector's position, typed by whoever added her)."""
    left = []
    for text in texts:
        for datum in data:
            text = text.replace(datum, "")
        for fragment in fragments:
            whole = fragment.count(" ") >= 4 and fragment in text
            mostly = fragment in text and len(fragment) * 2 >= len(text)
            if whole or mostly:
                left.append(text)
                break
    return left


def axe_violations(page) -> list[dict]:
    """axe's critical and serious findings; a Content-Security-Policy report its own probing causes
    (it tries an inline style on a password form) is axe's, not the portal's, and is set aside."""
    before = len(page.csp_violations)
    found = page.evaluate(AXE_RUN)
    del page.csp_violations[before:]
    return found


def pattern(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/N", path)


@pytest.fixture
def demo_server(transactional_db, live_server, settings, tmp_path):
    # Seeded before Playwright starts: Django refuses database calls inside its event loop.
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--force", verbosity=0)
    people = get_user_model().objects.values_list("full_name", "position_title")
    units = Unit.objects.values_list("name", flat=True)
    data = {text for pair in people for text in pair if text} | set(units)
    return live_server, sorted(data, key=len, reverse=True)


def walk(page, server, persona: str, shots: Path, on_each) -> list[str]:
    """Every page of its own kind the persona reaches by links, breadth first from the home page."""
    from playwright.sync_api import Error as PlaywrightError

    seen_patterns, visited, queue = set(), [], ["/"]
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        if pattern(path) in seen_patterns or SKIP.search(path):
            continue
        seen_patterns.add(pattern(path))
        try:
            response = page.goto(server.url + path)
        except PlaywrightError as error:  # a file to download, not a page
            assert "Download is starting" in str(error), error
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        assert response.status < 500, f"{persona} {path}: {response.status}"
        if response.status >= 400 or urlsplit(page.url).path.startswith("/accounts/login"):
            continue
        visited.append(path)
        on_each(path)
        page.screenshot(path=str(shots / f"{persona}_vi_{len(visited):02d}.png"), full_page=True)
        for href in page.evaluate(LINKS):
            link = urlsplit(href)
            target = link.path + (f"?{link.query}" if link.query and "page=" not in link.query else "")
            if persona != "admin" and target.startswith("/admin/"):
                continue
            if pattern(target) not in seen_patterns:
                queue.append(target)
    return visited


def choose_language(page, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)


@pytest.mark.e2e
def test_every_page_is_accessible_translated_and_fits_a_phone(demo_server, browser_page, artifacts):
    server, data = demo_server
    page = browser_page
    page.context.add_init_script(path=str(AXE))  # by the browser's debugging channel, not a <script>
    shots = artifacts / "every_page"
    shots.mkdir(exist_ok=True)
    fragments = vietnamese_fragments()
    problems = []
    for persona in PERSONAS:  # one seeded demo for all: the walks only read
        problems += [
            f"{persona} {problem}" for problem in check_persona(page, server, persona, shots, fragments, data)
        ]
    assert not problems, "\n".join(problems)


def check_persona(
    page, server, persona: str, shots: Path, fragments: list[str], data: list[str]
) -> list[str]:
    page.set_viewport_size(DESKTOP)
    sign_in(page, server, persona)
    choose_language(page, "vi")
    problems = []
    visited = walk(page, server, persona, shots, on_each=lambda path: problems.extend(
        f"vi {path}: {violation}" for violation in axe_violations(page)
    ))  # fmt: skip
    assert len(visited) >= 5, (persona, visited)
    # The check of the English pages finds the catalogue's Vietnamese where it is: on the home page.
    page.goto(server.url + "/")
    assert len(untranslated(page.evaluate(TEXTS), fragments, data)) >= 5

    choose_language(page, "en")
    for number, path in enumerate(visited, 1):
        page.goto(server.url + path)
        problems += [f"en {path}: {v}" for v in axe_violations(page)]
        left = untranslated(page.evaluate(TEXTS), fragments, data)
        problems += [f"en {path}: Vietnamese left: {left[:5]}"] if left else []
        page.screenshot(path=str(shots / f"{persona}_en_{number:02d}.png"))

    page.set_viewport_size(PHONE)
    for number, path in enumerate(visited, 1):
        page.goto(server.url + path)
        wide = page.evaluate(TOO_WIDE)
        problems += [f"phone {path}: {wide}"] if wide else []
        page.screenshot(path=str(shots / f"{persona}_phone_{number:02d}.png"), full_page=True)
    return problems
