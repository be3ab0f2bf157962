from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People join a program through an invitation (or, later, a partner application), never by open sign-up.
        return False
