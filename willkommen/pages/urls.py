from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    path("", views.start, name="start"),
    path("imprint/", views.legal_page, {"template": "imprint"}, name="imprint"),
    path("privacy/", views.legal_page, {"template": "privacy"}, name="privacy"),
    path("accessibility/", views.legal_page, {"template": "accessibility"}, name="accessibility"),
    path("easy-german/", views.legal_page, {"template": "easy_german"}, name="easy_german"),
    path("sign-language/", views.legal_page, {"template": "sign_language"}, name="sign_language"),
]
