"""Reading imsmanifest.xml (SCORM 1.2 and 2004 2nd, 3rd and 4th edition) into what the player needs.

Parsed with defusedxml (no entity expansion, no external references). Elements are matched by local name, so the
namespace spellings real packages use (imscp_rootv1p1p2, imscp_v1p1, adlcp_rootv1p2, adlcp_v1p3, none at all) all
read the same. What is kept:

- the default organization's item tree (the table of contents), each launchable item with its resource's launch
  path: `xml:base` of the manifest, `<resources>` and `<resource>` applied, then the item's `parameters` appended
  the way SCORM's content aggregation model says (a query string, or a fragment);
- per item: whether it is a SCO (talks to the runtime) or an asset, its mastery score (1.2 `adlcp:masteryscore`,
  2004 `imsss:minNormalizedMeasure` of a primary objective satisfied by measure), `dataFromLMS`, time limits,
  completion threshold, visibility, and the little of 2004 sequencing the player honours: `controlMode` (choice,
  flow, forwardOnly), `deliveryControls tracked`, the `rollupRules` attributes (whether an item counts for the
  completion, satisfaction and score of the whole) and `hideLMSUI`; `<imsss:sequencing IDRef>` takes its values
  from the manifest's `sequencingCollection`;
- `<dependency>` references and shared resource folders need nothing at run time (every file of the package is
  served), so they are only listed; metadata in separate files (`adlcp:location`) is listed, never required.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, unquote, urlsplit

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext as _

from enablement.scorm.archive import Archive, refuse

MANIFEST = "imsmanifest.xml"
MANIFEST_MAX_BYTES = 5 * 1024 * 1024
MAX_ITEMS = 2000
MAX_DEPTH = 20
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element, name: str) -> list:
    return [child for child in element if local(child.tag) == name]


def child(element, name: str):
    return next((c for c in element if local(c.tag) == name), None)


def text_of(element, name: str) -> str:
    found = child(element, name)
    return (found.text or "").strip() if found is not None else ""


def attr(element, name: str, default: str = "") -> str:
    """An attribute by local name, whatever its namespace (and, for adlcp's scormtype/scormType, its case)."""
    wanted = name.lower()
    for key, value in element.attrib.items():
        if local(key).lower() == wanted:
            return value.strip()
    return default


def _bool(value: str, default: bool) -> bool:
    return {"true": True, "false": False}.get(value.strip().lower(), default) if value else default


def _decimal(value: str, low: Decimal, high: Decimal) -> str | None:
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return str(number) if number.is_finite() and low <= number <= high else None


@dataclass
class Item:
    identifier: str
    title: str
    visible: bool = True
    launch_path: str = ""
    scorm_type: str = ""
    settings: dict = field(default_factory=dict)
    children: list[Item] = field(default_factory=list)

    @property
    def launchable(self) -> bool:
        return bool(self.launch_path)

    def toc(self) -> dict:
        return {
            "identifier": self.identifier,
            "title": self.title,
            "visible": self.visible,
            "launchable": self.launchable,
            "children": [c.toc() for c in self.children],
        }


@dataclass
class Manifest:
    version: str  # "1.2" or "2004"
    schema_version: str
    title: str
    organization: str
    control: dict
    items: list[Item]
    resources: dict
    metadata: list[str]

    def launchable(self) -> list[tuple[Item, str]]:
        """Launchable items in the order of the table of contents, each with its parent's identifier."""
        found: list[tuple[Item, str]] = []

        def walk(items, parent):
            for item in items:
                if item.launchable:
                    found.append((item, parent))
                walk(item.children, item.identifier)

        walk(self.items, "")
        return found

    def as_json(self) -> dict:
        return {
            "organization": self.organization,
            "title": self.title,
            "control": self.control,
            "toc": [item.toc() for item in self.items],
            "resources": self.resources,
            "metadata": self.metadata,
        }


def find_manifest(archive: Archive) -> bytes:
    if not archive.has(MANIFEST):
        nested = sorted(p for p in archive.files if p.rsplit("/", 1)[-1].lower() == MANIFEST)
        if nested:
            folder = nested[0].rsplit("/", 1)[0]
            raise refuse(
                _(
                    "The package's imsmanifest.xml is in the folder “%(folder)s/”, not at the root of the zip: zip "
                    "the contents of that folder, not the folder itself."
                )
                % {"folder": folder}
            )
        raise refuse(_("The zip has no imsmanifest.xml at its root, so it is not a SCORM package."))
    return archive.read(MANIFEST, limit=MANIFEST_MAX_BYTES)


def parse(archive: Archive) -> Manifest:
    data = find_manifest(archive)
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as error:
        raise refuse(_("imsmanifest.xml is not well-formed XML: %(error)s") % {"error": str(error)[:200]}) from error
    if local(root.tag) != "manifest":
        raise refuse(_("imsmanifest.xml does not start with a <manifest> element."))
    return _Reader(root, archive).read()


class _Reader:
    def __init__(self, root, archive: Archive):
        self.root, self.archive = root, archive
        self.item_count = 0
        self.collection = {}
        collection = child(root, "sequencingCollection")
        if collection is not None:
            self.collection = {attr(s, "ID"): s for s in children(collection, "sequencing") if attr(s, "ID")}

    def read(self) -> Manifest:
        metadata = child(self.root, "metadata")
        schema_version = text_of(metadata, "schemaversion") if metadata is not None else ""
        version = self.version(schema_version)
        resources = self.resources()
        organizations = child(self.root, "organizations")
        orgs = children(organizations, "organization") if organizations is not None else []
        if not orgs:
            raise refuse(_("imsmanifest.xml has no <organization>: there is nothing to launch."))
        default = attr(organizations, "default")
        org = next((o for o in orgs if attr(o, "identifier") == default), orgs[0])
        self.version_ = version
        items = [self.item(e, resources, 1) for e in children(org, "item")]
        title = text_of(org, "title") or self.title_from(metadata) or _("SCORM package")
        manifest = Manifest(
            version=version,
            schema_version=schema_version[:64],
            title=title[:200],
            organization=attr(org, "identifier"),
            control=self.control(org),
            items=items,
            resources={
                ident: {
                    "href": r["href"],
                    "scorm_type": r["scorm_type"],
                    "files": r["files"],
                    "dependencies": r["deps"],
                }
                for ident, r in resources.items()
            },
            metadata=self.metadata_locations(),
        )
        if not manifest.launchable():
            raise refuse(_("imsmanifest.xml names no item that can be launched."))
        return manifest

    def version(self, schema_version: str) -> str:
        lowered = schema_version.lower()
        if lowered.startswith("1.2"):
            return "1.2"
        if "2004" in lowered or "cam 1.3" in lowered or lowered.startswith("1.3"):
            return "2004"
        namespaces = " ".join(e.tag for e in self.root.iter() if isinstance(e.tag, str))
        namespaces += " ".join(k for e in self.root.iter() for k in e.attrib)
        if "adlcp_v1p3" in namespaces or "imsss" in namespaces or "adlseq" in namespaces:
            return "2004"
        return "1.2"

    def title_from(self, metadata) -> str:
        if metadata is None:
            return ""
        for element in metadata.iter():
            if local(element.tag) == "title":
                strings = [s for s in element.iter() if local(s.tag) in ("string", "langstring")]
                text = (strings[0].text if strings else element.text) or ""
                if text.strip():
                    return text.strip()
        return ""

    def metadata_locations(self) -> list[str]:
        found = []
        for element in self.root.iter():
            if local(element.tag) == "location" and element.text and element.text.strip():
                found.append(element.text.strip()[:500])
        return sorted(set(found))[:50]

    def resources(self) -> dict:
        container = child(self.root, "resources")
        if container is None:
            raise refuse(_("imsmanifest.xml has no <resources>."))
        bases = [attr_base(self.root), attr_base(container)]
        found = {}
        for element in children(container, "resource"):
            identifier = attr(element, "identifier")
            href = attr(element, "href")
            found[identifier] = {
                "href": href,
                "bases": [*bases, attr_base(element)],
                "scorm_type": attr(element, "scormtype").lower() or "sco",
                "files": len(children(element, "file")),
                "deps": [attr(d, "identifierref") for d in children(element, "dependency")][:50],
            }
        return found

    def item(self, element, resources: dict, depth: int) -> Item:
        self.item_count += 1
        if depth > MAX_DEPTH or self.item_count > MAX_ITEMS:
            raise refuse(_("imsmanifest.xml has too many items, or items nested too deep."))
        identifier = attr(element, "identifier")
        if not identifier or len(identifier) > 255:
            raise refuse(_("An item of imsmanifest.xml has no identifier, or one longer than 255 characters."))
        item = Item(
            identifier=identifier,
            title=(text_of(element, "title") or identifier)[:255],
            visible=_bool(attr(element, "isvisible"), True),
        )
        ref = attr(element, "identifierref")
        if ref:
            resource = resources.get(ref)
            if resource is None:
                raise refuse(
                    _("Item “%(item)s” points at resource “%(ref)s”, which the manifest does not define.")
                    % {"item": identifier, "ref": ref}
                )
            if not resource["href"]:
                raise refuse(
                    _("Item “%(item)s” points at resource “%(ref)s”, which has no href to launch.")
                    % {"item": identifier, "ref": ref}
                )
            item.launch_path = self.launch_path(identifier, resource, attr(element, "parameters"))
            item.scorm_type = "asset" if resource["scorm_type"] == "asset" else "sco"
            item.settings = self.settings(element)
        item.children = [self.item(c, resources, depth + 1) for c in children(element, "item")]
        return item

    def launch_path(self, identifier: str, resource: dict, parameters: str) -> str:
        href = resource["href"]
        if urlsplit(href).scheme or href.startswith("//"):
            raise refuse(
                _("Item “%(item)s” launches an address outside the package (%(href)s).")
                % {"item": identifier, "href": href[:200]}
            )
        path, query, fragment = _split(href)
        parts: list[str] = []
        # Each xml:base is a folder of the one before it; a base without its trailing slash still means a folder.
        for segment in [*[b for b in resource["bases"] if b], path]:
            if urlsplit(segment).scheme or segment.startswith("/"):
                raise refuse(
                    _("Item “%(item)s” launches an address outside the package (%(href)s).")
                    % {"item": identifier, "href": segment[:200]}
                )
            for part in unquote(segment).split("/"):
                if part in ("", "."):
                    continue
                if part == "..":
                    if not parts:
                        raise refuse(
                            _("Item “%(item)s” launches a file outside the package (%(href)s).")
                            % {"item": identifier, "href": href[:200]}
                        )
                    parts.pop()
                else:
                    parts.append(part)
        file_path = "/".join(parts)
        if not self.archive.has(file_path):
            raise refuse(
                _("Item “%(item)s” launches “%(path)s”, which is not in the package.")
                % {"item": identifier, "path": file_path}
            )
        launch = quote(file_path, safe="/")
        query, fragment = _with_parameters(query, fragment, parameters)
        if query:
            launch += "?" + query
        if fragment:
            launch += "#" + fragment
        if len(launch) > 1000:
            raise refuse(_("Item “%(item)s” has a launch address longer than 1000 characters.") % {"item": identifier})
        return launch

    def settings(self, element) -> dict:
        """What the runtime gets for this item (cmi's read-only values) and what the player and rollup honour."""
        settings: dict = {}
        if self.version_ == "1.2":
            mastery = _decimal(text_of(element, "masteryscore"), Decimal(0), Decimal(100))
            if mastery is not None:
                settings["mastery_score"] = mastery
            settings["data_from_lms"] = text_of(element, "datafromlms")[:4096]
            settings["max_time_allowed"] = text_of(element, "maxtimeallowed")[:32]
            settings["time_limit_action"] = text_of(element, "timelimitaction")[:32]
        else:
            settings["data_from_lms"] = text_of(element, "dataFromLMS")[:4000]
            settings["time_limit_action"] = text_of(element, "timeLimitAction")[:32]
            threshold = child(element, "completionThreshold")
            if threshold is not None:
                by_measure = attr(threshold, "completedByMeasure")
                value = attr(threshold, "minProgressMeasure") if by_measure else (threshold.text or "").strip()
                if by_measure and not _bool(by_measure, False):
                    value = ""
                value = _decimal(value or "", Decimal(0), Decimal(1)) if value else None
                if value is not None:
                    settings["completion_threshold"] = value
            settings.update(self.sequencing(element))
        settings.update(self.presentation(element))
        return {key: value for key, value in settings.items() if value not in ("", None)}

    def sequencing_element(self, element):
        own = child(element, "sequencing")
        if own is None:
            return None, None
        shared = self.collection.get(attr(own, "IDRef")) if attr(own, "IDRef") else None
        return own, shared

    def _seq_child(self, element, name):
        own, shared = self.sequencing_element(element)
        for source in (own, shared):
            if source is not None and child(source, name) is not None:
                return child(source, name)
        return None

    def sequencing(self, element) -> dict:
        found: dict = {}
        delivery = self._seq_child(element, "deliveryControls")
        if delivery is not None and not _bool(attr(delivery, "tracked"), True):
            found["tracked"] = False
        rules = self._seq_child(element, "rollupRules")
        if rules is not None:
            if not _bool(attr(rules, "rollupObjectiveSatisfied"), True):
                found["counts_for_success"] = False
            if not _bool(attr(rules, "rollupProgressCompletion"), True):
                found["counts_for_completion"] = False
            weight = _decimal(attr(rules, "objectiveMeasureWeight"), Decimal(0), Decimal(1))
            if weight is not None and Decimal(weight) != 1:
                found["score_weight"] = weight
        objectives = self._seq_child(element, "objectives")
        primary = child(objectives, "primaryObjective") if objectives is not None else None
        if primary is not None and _bool(attr(primary, "satisfiedByMeasure"), False):
            measure = _decimal(text_of(primary, "minNormalizedMeasure") or "1.0", Decimal(-1), Decimal(1))
            if measure is not None:
                found["mastery_score"] = measure
        return found

    def presentation(self, element) -> dict:
        presentation = child(element, "presentation")
        interface = child(presentation, "navigationInterface") if presentation is not None else None
        if interface is None:
            return {}
        hidden = sorted({(h.text or "").strip() for h in children(interface, "hideLMSUI")} - {""})
        return {"hide_lms_ui": hidden} if hidden else {}

    def control(self, org) -> dict:
        """The organization's navigation: SCORM 1.2 lets the learner go anywhere in any order; 2004 follows
        `controlMode` with the standard's defaults (choice on, flow off, forwardOnly off)."""
        if self.version_ == "1.2":
            return {"choice": True, "flow": True, "forward_only": False}
        mode = self._seq_child(org, "controlMode")
        if mode is None:
            return {"choice": True, "flow": False, "forward_only": False}
        return {
            "choice": _bool(attr(mode, "choice"), True),
            "flow": _bool(attr(mode, "flow"), False),
            "forward_only": _bool(attr(mode, "forwardOnly"), False),
        }


def attr_base(element) -> str:
    return (element.attrib.get(XML_BASE) or "").strip()


def _split(href: str) -> tuple[str, str, str]:
    rest, _hash, fragment = href.partition("#")
    path, _q, query = rest.partition("?")
    return path, query, fragment


def _with_parameters(query: str, fragment: str, parameters: str) -> tuple[str, str]:
    """SCORM CAM's rule for an item's `parameters`: one starting with "#" is a fragment (ignored when the href has
    one); otherwise leading "?" and "&" are dropped and it joins the query string."""
    parameters = parameters.strip()
    if not parameters:
        return query, fragment
    if parameters.startswith("#"):
        return query, fragment or parameters[1:]
    parameters = parameters.lstrip("?&")
    return (f"{query}&{parameters}" if query else parameters), fragment
