"""A filter applied to a literal in a template (`'regular'|membership`) was folded into the compiled template
in the language of the first page that compiled it: the Filipino form then said "Regular"."""


def test_a_literal_filtered_in_a_template_follows_each_pages_language(make_org, make_user, login):
    org = make_org()
    client = login(make_user(org, "admin"))
    english = client.get(f"/o/{org.slug}/members/new?lang=en").get_data(as_text=True)
    filipino = client.get(f"/o/{org.slug}/members/new?lang=fil").get_data(as_text=True)
    assert '<option value="regular" selected>Regular</option>' in english
    assert '<option value="regular" selected>Regular na miyembro</option>' in filipino
