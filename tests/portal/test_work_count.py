"""What waits for a person is counted in full: on "My work" beside each section (which lists the
first of them) and beside "My work" in the menu (issue 13: "with counts in the menu")."""

from django.core.management import call_command
from django.test import Client

from portal.models import User
from proposals import services


def test_a_section_counts_all_that_waits_and_the_menu_adds_the_sections(db):
    call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
    cadre = User.objects.get(username="cadre_a")
    for number in range(12):
        services.proposal_create(author=cadre, data={"title": f"Bản nháp số {number}"})
    client = Client()
    client.force_login(cadre)

    home = client.get("/").content.decode()
    assert 'data-testid="section-count">12<' in home
    assert home.count("Bản nháp số") == 10  # the first ten are listed
    assert "10 trên 12" in home
    assert 'hx-get="/work/count/"' in home  # the menu asks for its number once the page is shown

    count = client.get("/work/count/")
    assert count.status_code == 200
    assert 'data-testid="work-count">12<' in count.content.decode()


def test_nothing_waiting_shows_no_number(db):
    call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
    client = Client()
    client.force_login(User.objects.get(username="cadre_a2"))
    assert 'data-testid="work-count"' not in client.get("/work/count/").content.decode()
    assert Client().get("/work/count/").status_code == 302  # signed out: sent to sign in
