"""The start page's links to the consortiums a person coordinates (coop.registry.home_links).
Member institutions' staff reach theirs from their institution's Consortium page."""

from django.urls import reverse

from .selectors import consortiums_coordinated_by


def home_links(request):
    if not request.user.is_authenticated:
        return []
    return [
        (consortium.name, reverse("consortium:home", kwargs={"slug": consortium.slug}))
        for consortium in consortiums_coordinated_by(request.user)
    ]
