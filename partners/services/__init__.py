"""Partner use cases, one module per concern; import them from here (`from partners import services`)."""

from partners.services.contacts import (  # noqa: F401
    CONTACT_FIELDS,
    contact_create,
    contact_delete,
    contact_update,
)
from partners.services.lifecycle import (  # noqa: F401
    REASON_MAX_LENGTH,
    REASON_REQUIRED,
    partner_activate,
    partner_apply,
    partner_approve,
    partner_change_status,
    partner_offboard,
    partner_reactivate,
    partner_reject,
    partner_suspend,
)
from partners.services.organization import (  # noqa: F401
    EDITABLE_FIELDS,
    partner_create,
    partner_payload,
    partner_type_is_known,
    partner_update,
)
from partners.services.profile import (  # noqa: F401
    _WRITTEN_FIELDS,
    COUNTRY_PATTERN,
    DOMAIN_PATTERN,
    IGNORED_EXPORT_COLUMNS,
    IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
    MAX_LIST_ITEMS,
    PHONE_PATTERN,
    PROFILE_CLEANERS,
    PROFILE_FIELDS,
    REQUIRED_IMPORT_COLUMNS,
    ImportPlan,
    ImportRejected,
    ImportResult,
    ImportRowError,
    clean_text,
    partner_profile_update,
    partners_import,
    partners_import_check,
)
