"""The review queue's layout (issue 16, 4.9): every value of a row names its column (the rows stack on a phone),
the age filter and the bulk decision's fields have visible labels."""

import re

import pytest

from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_the_queue_names_each_value_and_labels_its_fields(client, tenant, channel_manager, register):
    registration = register()
    login(client, channel_manager)
    body = client.get("/t/acme/deals/review/").content.decode()

    row = re.search(rf'<tr data-registration="{registration.pk}">(.*?)</tr>', body, re.S).group(1)
    labels = re.findall(r'data-label="([^"]+)"', row)
    assert labels == ["Partner", "Amount", "Status", "Submitted", "SLA", "Conflicts"]
    assert 'class="deal-customer"' in row and "dealreg/dealreg.css" in body
    assert '<label class="input-group-text" for="filter-min-age">Waiting at least</label>' in body
    assert "Age ≥" not in body
    assert re.search(r'<label class="form-label small" for="id_note">Note to the partners \(optional\)</label>', body)
    assert re.search(r'<input[^>]*name="note"[^>]*aria-describedby="bulk-note-help"', body)
    assert '<label class="form-label small" for="id_reason">Reason (to reject)</label>' in body


def test_the_staff_list_names_its_age_filter_for_what_it_is(client, tenant, channel_manager, register):
    register()
    login(client, channel_manager)
    body = client.get("/t/acme/deals/").content.decode()
    assert '<label class="input-group-text" for="filter-min-age">Submitted at least</label>' in body
    assert 'data-label="Review / protection"' in body
