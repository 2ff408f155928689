import pytest

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path", ["/imprint/", "/privacy/", "/accessibility/", "/easy-german/", "/sign-language/"]
)
@pytest.mark.parametrize("language", ["de", "ar"])
def test_legal_pages_have_no_axe_violation(new_page, path, language):
    page = new_page()
    page.goto(f"{path}?lang={language}")
    assert axe_violations(page) == []
