"""The consortium's pages, mounted under /c/<slug>/ (namespace `consortium`), and a member's
pages, mounted under /t/<slug>/consortium/ (namespace `consortium_member`)."""

from django.urls import path

from . import views

consortium_patterns = (
    [
        path("", views.home, name="home"),
        path("program/", views.program, name="program"),
        path("program/publish/", views.program_publish, name="program_publish"),
        path("figures/", views.figures, name="figures"),
        path("library/", views.library, name="library"),
        path("library/<int:pk>/", views.library_case, name="library_case"),
        path("library/<int:pk>/file/", views.library_file, name="library_file"),
        path("partners/", views.partners, name="partners"),
        path("partners/new/", views.partner_create, name="partner_create"),
    ],
    "consortium",
)

member_patterns = (
    [
        path("", views.member_home, name="home"),
        path("<int:pk>/adopt/", views.adopt, name="adopt"),
        path("<int:pk>/accept/", views.update_accept, name="update_accept"),
        path("practices/", views.practice_list, name="practice_list"),
        path("<int:pk>/practices/new/", views.practice_create, name="practice_create"),
        path("practices/<int:pk>/", views.practice_edit, name="practice_edit"),
        path("practices/<int:pk>/state/", views.practice_state, name="practice_state"),
        path("practices/<int:pk>/file/", views.practice_file, name="practice_file"),
        path("partners/", views.partner_links, name="partner_links"),
        path("partners/<int:pk>/unlink/", views.partner_unlink, name="partner_unlink"),
    ],
    "consortium_member",
)
