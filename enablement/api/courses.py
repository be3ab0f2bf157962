"""Courses API: `/api/v1/courses/` (scope `courses`, read-only). The published courses with their audience, their
published versions and the current version's outline (modules and lessons, never their content).

What a partner's person or a partner-bound key sees is decided by the course's audience (the partner's type, tier
and region, the person's role), not by ownership: a course not offered to them is a 404, as on the pages."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from enablement.models import Course, CourseModule, CourseVersion, Lesson
from enablement.selectors.catalogue import audience_of, course_api_queryset
from prm.api import serializers
from prm.api.permissions import PolicyPermission
from prm.api.viewsets import TenantReadOnlyViewSet, UpdatedSinceFilterSet


class CourseLessonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lesson
        fields = ["id", "key", "position", "title", "kind", "required", "weight", "estimated_minutes"]
        read_only_fields = fields


class CourseModuleSerializer(serializers.ModelSerializer):
    lessons = CourseLessonSerializer(many=True, read_only=True)

    class Meta:
        model = CourseModule
        fields = ["id", "position", "title", "lessons"]
        read_only_fields = fields


class CourseVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseVersion
        fields = ["id", "number", "status", "title", "published_at"]
        read_only_fields = fields


class CurrentVersionSerializer(serializers.ModelSerializer):
    modules = CourseModuleSerializer(many=True, read_only=True)

    class Meta:
        model = CourseVersion
        fields = [
            "id",
            "number",
            "title",
            "summary",
            "estimated_minutes",
            "passing_grade",
            "published_at",
            "modules",
        ]
        read_only_fields = fields


class CourseAudienceSerializer(serializers.Serializer):
    partner_types = serializers.ListField(child=serializers.CharField(), source="audience_partner_types")
    tiers = serializers.ListField(child=serializers.CharField(), source="audience_tiers")
    regions = serializers.ListField(child=serializers.CharField(), source="audience_regions")
    roles = serializers.ListField(child=serializers.CharField(), source="audience_roles")


class CourseSerializer(serializers.ModelSerializer):
    audience = CourseAudienceSerializer(
        source="*", read_only=True, help_text="Who the course is for; an empty list means everyone."
    )
    current_version = CurrentVersionSerializer(read_only=True, help_text="The version new learners take.")
    versions = CourseVersionSerializer(
        source="published_versions",
        many=True,
        read_only=True,
        help_text="Published and retired versions, newest first.",
    )

    class Meta:
        model = Course
        fields = ["id", "title", "audience", "current_version", "versions", "created_at", "updated_at"]
        read_only_fields = fields


class CourseFilterSet(UpdatedSinceFilterSet):
    class Meta:
        model = Course
        fields = []


class CoursePermission(PolicyPermission):
    # A course belongs to no partner organization: the queryset holds only the courses the caller's audience may
    # see, so the object check of partner-owned rows does not apply.
    def has_object_permission(self, request, view, obj):
        return True


@extend_schema_view(
    list=extend_schema(summary="List the published courses offered to the caller", tags=["courses"]),
    retrieve=extend_schema(summary="A course with its outline, with its ETag", tags=["courses"]),
)
class CourseViewSet(TenantReadOnlyViewSet):
    """Published courses with their audience, versions and the current version's modules and lessons."""

    permission_classes = [CoursePermission]
    scope = "courses"
    read_permission = "learning.view"
    partner_field = None
    serializer_class = CourseSerializer
    filterset_class = CourseFilterSet
    ordering_fields = ["id", "title", "updated_at"]

    def get_base_queryset(self):
        return course_api_queryset(audience=audience_of(self.actor))

    def get_queryset(self):
        # The audience, not ownership, decides what a partner actor sees (get_base_queryset applied it): the base
        # class's narrowing to the actor's organization does not apply to courses.
        if getattr(self, "swagger_fake_view", False):
            return Course.unscoped.none()
        return self.get_base_queryset()


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [("courses", CourseViewSet, "course")]
