from django.urls import include, path

from prm import registry, views

tenant_patterns = [
    path("", views.TenantHomeView.as_view(), name="tenant_home"),
    path("console/", views.ConsoleView.as_view(), name="console"),
    path("portal/", views.PortalView.as_view(), name="portal"),
    path("portal/team/", views.PartnerTeamView.as_view(), name="partner_team"),
    path("settings/", views.SettingsView.as_view(), name="tenant_settings"),
    path("branding/logo/", views.LogoView.as_view(), name="tenant_logo"),
    path("members/", views.MembersView.as_view(), name="members"),
    path("members/<int:membership_id>/", views.MembershipDetailView.as_view(), name="membership_detail"),
    path("invitations/<int:invitation_id>/revoke/", views.InvitationRevokeView.as_view(), name="invitation_revoke"),
    path("invitations/accept/<str:token>/", views.AcceptInvitationView.as_view(), name="invitation_accept"),
    # Each app's pages, from its declarations (`PAGE_URLS`).
    *[path("", include(module)) for module in registry.page_url_modules()],
    path("", include("prm.webhooks.urls")),
    path("", include("prm.events.urls")),
    path("", include("prm.notifications.urls")),
    path("", include("prm.api.page_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("profile/", views.profile, name="profile"),
    path("accounts/", include("allauth.urls")),
    # A visitor without an account picks a language here (a cookie); members choose theirs on the profile.
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("prm.api.urls")),
    path("t/<slug:tenant_slug>/", include(tenant_patterns)),
]

# Unknown /api/ addresses answer a problem+json 404; everything else the site's 404 page.
handler404 = "prm.api.exceptions.handler404"
