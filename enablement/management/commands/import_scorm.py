"""Import a SCORM package from the command line, as the program (a tenant admin's rights, naming nobody)."""

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from enablement.selectors import scorm as selectors
from enablement.services.scorm_import import scorm_course_import, scorm_package_import
from prm.errors import DomainError
from prm.models import Tenant
from prm.policy import ProgramActor
from prm.tenancy import tenant_context


class Command(BaseCommand):
    help = (
        "Import a SCORM 1.2 or 2004 zip into a program. With --course, a new draft course is created with one "
        "module whose one lesson is the package; with --module, the package becomes the last lesson of that module "
        "(of a draft course version). Prints the lesson's address; a refused package exits with status 1 and one "
        "line saying why, and leaves nothing stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("tenant", help="the program (its slug)")
        parser.add_argument("package", help="path to the .zip")
        parser.add_argument("--course", default="", help="create a draft course with this title around the package")
        parser.add_argument("--module", type=int, default=None, help="add the package to this module (id)")
        parser.add_argument("--title", default="", help="the package's title (default: the manifest's)")

    def handle(self, *args, tenant, package, course, module, title, **options):
        program = Tenant.objects.filter(slug=tenant, is_active=True).first()
        if program is None:
            raise CommandError(f"There is no active program {tenant!r}.")
        path = Path(package)
        if not path.is_file():
            raise CommandError(f"{package}: no such file.")
        if course and module:
            raise CommandError("Give --course or --module, not both.")
        actor = ProgramActor(program.pk)
        with tenant_context(program), path.open("rb") as handle:
            upload = File(handle, name=path.name)
            try:
                if course:
                    result = scorm_course_import(actor=actor, upload=upload, course_title=course, title=title)
                else:
                    target = None
                    if module is not None:
                        target = selectors.draft_module_get(module_id=module)
                        if target is None:
                            raise CommandError(f"No module {module} of a draft course version in {tenant}.")
                    result = scorm_package_import(actor=actor, upload=upload, title=title, module=target)
            except DomainError as error:
                raise CommandError(f"{path.name} refused ({error.field or 'package'}): {error.message}") from error
            url = settings.SITE_URL.rstrip("/") + reverse("scorm_preview", args=[program.slug, result.package.pk])
            items = result.package.scos.count()
        if result.lesson is not None:
            self.stdout.write(f"Lesson {result.lesson.pk} “{result.lesson.title}” ({items} item(s)): {url}")
        else:
            self.stdout.write(f"Package {result.package.pk} “{result.package.title}” ({items} item(s)): {url}")
