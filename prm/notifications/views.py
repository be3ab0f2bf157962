"""The notifications page, the bell in the navbar, and email preferences: a member's own notifications only."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import trigger_client_event

from prm.errors import DomainError
from prm.notifications import is_local_url, selectors, services
from prm.notifications.forms import NotificationPreferencesForm
from prm.notifications.kinds import kinds_for
from prm.views import TenantView, add_domain_error

# The client event that makes the bell fetch its count again (see templates/base.html).
CHANGED = "notifications-changed"
PAGE_SIZE = 25
MENU_SIZE = 5


class NotificationView(TenantView):
    permission = "notifications.view"

    def get_notification(self, notification_id):
        # Ownership, not the partner-organization rule of policy.can(obj): a notification belongs to one user.
        notification = selectors.notification_get(user=self.request.user, notification_id=notification_id)
        if notification is None:
            raise Http404(_("Page not found."))
        return notification


class NotificationListView(NotificationView):
    def get(self, request):
        notifications = selectors.notifications_for(user=request.user)
        page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"page": page, "notifications_unread": selectors.unread_count(user=request.user)}
        # htmx asks for the whole page when it restores history it has not cached: give it the whole page then.
        list_only = request.htmx and not request.htmx.history_restore_request
        template = "notifications/partials/list.html" if list_only else "notifications/notification_list.html"
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
        return response


class NotificationBellView(NotificationView):
    """The unread count badge alone, which the navbar polls every 30 seconds and after every change."""

    def get(self, request):
        context = {"notifications_unread": selectors.unread_count(user=request.user)}
        return render(request, "notifications/partials/bell.html", context)


class NotificationMenuView(NotificationView):
    """The latest few, loaded into the bell's dropdown when it opens (so pages never pay for them)."""

    def get(self, request):
        latest = selectors.notifications_for(user=request.user)[:MENU_SIZE]
        return render(request, "notifications/partials/menu.html", {"latest": latest})


class NotificationReadView(NotificationView):
    def post(self, request, notification_id):
        notification = services.notification_mark_read(
            user=request.user, notification=self.get_notification(notification_id)
        )
        if request.htmx:
            response = render(request, "notifications/partials/item.html", {"notification": notification})
            return trigger_client_event(response, CHANGED)
        return redirect(self.url("notifications"))


class NotificationReadAllView(NotificationView):
    def post(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        if count:
            messages.success(
                request,
                ngettext("Marked %(count)s notification read.", "Marked %(count)s notifications read.", count)
                % {"count": count},
            )
        return redirect(self.url("notifications"))


class NotificationOpenView(NotificationView):
    """Opening a notification marks it read and follows its link, which must be a path on this site."""

    def get(self, request, notification_id):
        notification = services.notification_mark_read(
            user=request.user, notification=self.get_notification(notification_id)
        )
        # notify() accepts only local paths; checked again here so no stored row can make an open redirect.
        if notification.url and is_local_url(notification.url):
            return redirect(notification.url)
        return redirect(self.url("notifications"))


class NotificationPreferencesView(NotificationView):
    def get(self, request):
        initial = {
            NotificationPreferencesForm.field_name(kind): email
            for kind, email in selectors.email_preferences(user=request.user).items()
        }
        return self.render_page(self.make_form(initial=initial))

    def post(self, request):
        form = self.make_form(data=request.POST)
        if form.is_valid():
            try:
                services.notification_preferences_set(user=request.user, email_by_kind=form.email_by_kind())
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Your notification preferences are saved."))
                return redirect(self.url("notification_preferences"))
        return self.render_page(form, status=400)

    def make_form(self, **kwargs):
        return NotificationPreferencesForm(kinds=kinds_for(self.request.membership), **kwargs)

    def render_page(self, form, status=200):
        return render(self.request, "notifications/preferences.html", {"form": form}, status=status)
