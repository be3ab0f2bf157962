"""API for SCORM packages: `/api/v1/scorm-packages/` (scope `courses`, authors only: `courses.manage`).

List and read the imported packages with their launchable items; import one with a multipart upload (`package`,
the zip; optionally `module`, a module of a draft course version the package becomes the last lesson of). A refused
package is a 400 naming the field, with nothing stored."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from enablement.models import ScormPackage, ScormSco, ScormVersion
from enablement.selectors import scorm as selectors
from enablement.services.scorm_import import scorm_package_import
from prm.api import serializers
from prm.api.viewsets import TenantReadOnlyViewSet, UpdatedSinceFilterSet
from prm.errors import ValidationFailed


class ScormItemSerializer(serializers.ModelSerializer):
    scorm_type = serializers.SerializerMethodField(help_text="`sco` (talks to the runtime) or `asset`.")

    class Meta:
        model = ScormSco
        fields = ["id", "identifier", "title", "launch_path", "position", "parent_identifier", "scorm_type"]
        read_only_fields = fields

    def get_scorm_type(self, sco) -> str:
        return (sco.sequencing or {}).get("scorm_type", "sco")


class ScormPackageSerializer(serializers.ModelSerializer):
    items = ScormItemSerializer(source="scos", many=True, read_only=True, help_text="Launchable items, in order.")

    class Meta:
        model = ScormPackage
        fields = [
            "id",
            "title",
            "scorm_version",
            "schema_version",
            "size_bytes",
            "file_count",
            "sha256",
            "items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ScormPackageImportSerializer(serializers.Serializer):
    package = serializers.FileField(help_text="The SCORM 1.2 or 2004 zip, with imsmanifest.xml at its root.")
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Defaults to the manifest's title."
    )
    module = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Add the package as the last lesson of this module (id) of a draft version.",
    )
    lesson_title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ScormImportResultSerializer(serializers.Serializer):
    package = ScormPackageSerializer()
    lesson = serializers.IntegerField(allow_null=True, help_text="The lesson created in `module` (id), if one was.")


class ScormPackageFilterSet(UpdatedSinceFilterSet):
    scorm_version = django_filters.ChoiceFilter(choices=ScormVersion.choices, help_text="`1.2` or `2004`.")

    class Meta:
        model = ScormPackage
        fields = ["scorm_version"]


@extend_schema_view(
    list=extend_schema(summary="List imported SCORM packages", tags=["courses"]),
    retrieve=extend_schema(summary="A SCORM package with its items, with its ETag", tags=["courses"]),
    create=extend_schema(
        summary="Import a SCORM package (multipart upload)",
        tags=["courses"],
        request={"multipart/form-data": ScormPackageImportSerializer},
        responses={201: ScormImportResultSerializer},
    ),
)
class ScormPackageViewSet(mixins.CreateModelMixin, TenantReadOnlyViewSet):
    scope = "courses"
    read_permission = "courses.manage"
    write_permission = "courses.manage"
    partner_field = None
    serializer_class = ScormPackageSerializer
    filterset_class = ScormPackageFilterSet
    ordering_fields = ["id", "created_at", "updated_at"]
    parser_classes = [MultiPartParser]

    def get_base_queryset(self):
        return ScormPackage.objects.prefetch_related("scos").order_by("-id")

    def create(self, request, *args, **kwargs):
        serializer = ScormPackageImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        module = None
        if data.get("module"):
            module = selectors.draft_module_get(module_id=data["module"])
            if module is None:
                raise ValidationFailed(_("No module of a draft course version has this id."), field="module")
        result = scorm_package_import(
            actor=self.actor,
            upload=data["package"],
            title=data.get("title", ""),
            module=module,
            lesson_title=data.get("lesson_title", ""),
        )
        package = self.get_base_queryset().get(pk=result.package.pk)
        body = ScormImportResultSerializer({"package": package, "lesson": result.lesson.pk if result.lesson else None})
        return Response(body.data, status=status.HTTP_201_CREATED)


ROUTES = [("scorm-packages", ScormPackageViewSet, "scorm-package")]
