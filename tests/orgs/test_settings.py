import pytest

from coop.errors import Invalid
from coop.manifest import Manifest, Setting, plugins
from coop.orgs import services as orgs


@pytest.fixture(autouse=True)
def test_settings(app):
    plugins(app).add(Manifest(name="test", settings=(
        Setting("test.cap", 200_000, "Test cap", kind="money", org_kinds=("cooperative",)),
        Setting("test.rate", 25, "Test rate", kind="percent"),
        Setting("test.mode", "collected", "Test mode", kind="choice", choices=("collected", "accrued")))))


def test_defaults_overrides_and_parsing(make_org):
    org = make_org()
    assert orgs.get_setting(org.id, "test.cap") == 200_000
    assert orgs.update_settings(org.id, "cooperative", {"test.cap": "3,000.50", "test.rate": "25"}, None) == 1
    assert orgs.get_setting(org.id, "test.cap") == 300_050
    for key, text in (("test.cap", "-5"), ("test.rate", "120"), ("test.mode", "sometimes"), ("test.cap", "1.001")):
        with pytest.raises(Invalid):
            orgs.update_settings(org.id, "cooperative", {key: text}, None)
    assert orgs.get_setting(org.id, "test.cap") == 300_050
    assert "test.cap" not in [spec.key for spec, _ in orgs.settings_of(org.id, "ngo")]


def test_settings_page(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "admin"))
    assert b"Test cap" in client.get(f"/o/{org.slug}/admin/settings").data
    assert client.post(f"/o/{org.slug}/admin/settings", data={"test.rate": "12.5"}).status_code == 303
    assert orgs.get_setting(org.id, "test.rate") == 12.5


def test_cli_adds_an_organization(app):
    result = app.test_cli_runner().invoke(args=["org", "add", "kmpc", "Kababaihan MPC", "--kind", "cooperative"])
    assert result.exit_code == 0, result.output
    assert orgs.get_by_slug("kmpc").kind == "cooperative"
