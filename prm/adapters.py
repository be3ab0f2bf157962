from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from prm.http import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People join a program through an invitation (or, later, a partner application), never by open sign-up.
        return False

    def get_client_ip(self, request):
        # allauth's login and password-reset limits key on this: the same address the rest of PRM uses.
        ip = client_ip(request)
        if ip is None:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
