"""Enrollments API: `/api/v1/enrollments/` (scope `enrollments`). An HR system or LMS connector lists who is
enrolled in what, with progress, and assigns courses (by the person's user id or email, with a due date).

Staff keys and staff see every enrollment; a partner-bound key and a partner admin their own organization's; any
other partner person only their own. Assigning is idempotent: a person already enrolled keeps their enrollment
(200, its due date updated when one is given); a new one is 201 and records `enrollment.created`."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from enablement.models import Enrollment, EnrollmentStatus
from enablement.selectors import progress as selectors
from enablement.selectors.catalogue import published_courses
from enablement.services.enrollments import enrollment_assign
from prm import policy
from prm.api import serializers
from prm.api.viewsets import IDEMPOTENCY_PARAMETER, TenantViewSetMixin, UpdatedSinceFilterSet, etag_for
from prm.errors import ValidationFailed
from prm.models import Membership
from prm.roles import PARTNER_ROLES


class EnrollmentProgressSerializer(serializers.Serializer):
    lessons_total = serializers.IntegerField(help_text="Lessons in the course version taken.")
    lessons_done = serializers.IntegerField(help_text="Lessons completed.")
    percent = serializers.IntegerField(help_text="Lessons completed, in percent (100 once the course is completed).")


class EnrollmentSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    course_version = serializers.IntegerField(source="course_version.number", read_only=True)
    assigned_by = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "course",
            "course_version",
            "user",
            "email",
            "partner_organization",
            "cycle",
            "source",
            "status",
            "due_on",
            "assigned_by",
            "enrolled_at",
            "started_at",
            "completed_at",
            "score",
            "progress",
            "last_lesson",
            "updated_at",
        ]
        read_only_fields = fields

    def get_assigned_by(self, enrollment) -> str | None:
        return enrollment.assigned_by.email if enrollment.assigned_by_id and enrollment.assigned_by else None

    @extend_schema_field(EnrollmentProgressSerializer)
    def get_progress(self, enrollment) -> dict:
        return {
            "lessons_total": enrollment.lessons_total,
            "lessons_done": enrollment.lessons_done,
            "percent": selectors.percent(enrollment),
        }


class EnrollmentCreateSerializer(serializers.Serializer):
    course = serializers.IntegerField(min_value=1, help_text="A published course (id).")
    user = serializers.IntegerField(
        min_value=1, required=False, help_text="The partner person (user id); or give `email`."
    )
    email = serializers.EmailField(required=False, help_text="The partner person's email address; or give `user`.")
    due_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Today or later.")

    def validate(self, data):
        if ("user" in data) == ("email" in data):
            raise serializers.ValidationError({"user": [_("Name the person by `user` (id) or `email`, not both.")]})
        return data


class EnrollmentFilterSet(UpdatedSinceFilterSet):
    user = django_filters.NumberFilter(field_name="user_id", help_text="Only this person's enrollments (user id).")
    partner_organization = django_filters.NumberFilter(
        field_name="partner_organization_id", help_text="Only this partner organization's people (id)."
    )
    course = django_filters.NumberFilter(field_name="course_id", help_text="Only this course's enrollments (id).")
    status = django_filters.MultipleChoiceFilter(choices=EnrollmentStatus.choices)

    class Meta:
        model = Enrollment
        fields = ["user", "partner_organization", "course", "status"]


def _learner(actor, data) -> Membership:
    """The partner person the request names, among those the actor may assign (anyone else is unknown)."""
    members = Membership.objects.filter(is_active=True, role__in=sorted(PARTNER_ROLES)).select_related(
        "user", "partner_organization"
    )
    if actor.is_partner_role:
        members = members.filter(partner_organization_id=actor.partner_organization_id)
    if "user" in data:
        learner = members.filter(user_id=data["user"]).first()
        if learner is None:
            raise ValidationFailed(_("No active partner user of the program has this id."), field="user")
    else:
        learner = members.filter(user__email__iexact=data["email"]).first()
        if learner is None:
            raise ValidationFailed(_("No active partner user of the program has this email address."), field="email")
    return learner


@extend_schema_view(
    list=extend_schema(summary="List enrollments with their progress", tags=["enrollments"]),
    retrieve=extend_schema(summary="One enrollment with its progress, with its ETag", tags=["enrollments"]),
)
class EnrollmentViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Who is enrolled in which course (and which version and cycle), since when, how far, and due when."""

    scope = "enrollments"
    read_permission = "learning.view"
    write_permission = "learning.assign"
    partner_field = "partner_organization"
    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilterSet
    ordering_fields = ["id", "enrolled_at", "due_on", "completed_at", "updated_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_base_queryset(self):
        queryset = selectors.enrollment_api_queryset()
        actor = self.actor
        if actor.is_partner_role and not policy.can(actor, "learning.view_team"):
            # A partner's person who does not lead its team sees only their own learning.
            queryset = queryset.filter(user_id=getattr(actor.user, "pk", None))
        return queryset

    @extend_schema(
        summary="Assign a course to a partner's person (idempotent)",
        description="Enrolls the person named by `user` (id) or `email` in the course, due on `due_on` (optional). "
        "201 with the new enrollment (and `enrollment.created`); 200 with the existing one when the person is "
        "already enrolled (its due date changed when `due_on` is given). A partner-bound key assigns only its "
        "own organization's people; a course not offered to the person (partner type, tier, region, role) is a "
        "400 on `course`.",
        tags=["enrollments"],
        request=EnrollmentCreateSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: EnrollmentSerializer, 201: EnrollmentSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = EnrollmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        course = published_courses().filter(pk=values["course"]).first()
        if course is None:
            raise ValidationFailed(_("No published course with this id."), field="course")
        enrollment, created = enrollment_assign(
            actor=self.actor, course=course, learner=_learner(self.actor, values), due_on=values["due_on"]
        )
        enrollment = self.get_queryset().get(pk=enrollment.pk)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(enrollment).data, status=code, headers={"ETag": etag_for(enrollment)})


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [("enrollments", EnrollmentViewSet, "enrollment")]
