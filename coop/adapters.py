from allauth.account.adapter import DefaultAccountAdapter

from .http import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials):
        # Failed sign-ins are counted per account AND address: wrong passwords typed elsewhere
        # cannot lock the owner out (allauth counts per account alone).
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request)}"

    def is_open_for_signup(self, request):
        # People join an institution through a staff invitation, never by open sign-up.
        return False
