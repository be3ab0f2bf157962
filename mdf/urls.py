"""Pages of market development funds (included under /t/<slug>/ through `PAGE_URLS`): the partner's under
`funds/`, the staff's under `mdf/`."""

from django.urls import path

from mdf.views import console, portal

urlpatterns = [
    path("funds/", portal.FundsView.as_view(), name="mdf_funds"),
    path("funds/requests/new/", portal.FundRequestCreateView.as_view(), name="mdf_request_create"),
    path("funds/requests/<int:fund_request_id>/", portal.FundRequestDetailView.as_view(), name="mdf_request"),
    path("funds/requests/<int:fund_request_id>/edit/", portal.FundRequestEditView.as_view(), name="mdf_request_edit"),
    path(
        "funds/requests/<int:fund_request_id>/submit/",
        portal.FundRequestSubmitView.as_view(),
        name="mdf_request_submit",
    ),
    path(
        "funds/requests/<int:fund_request_id>/cancel/",
        portal.FundRequestCancelView.as_view(),
        name="mdf_request_cancel",
    ),
    path(
        "funds/requests/<int:fund_request_id>/decide/",
        console.RequestDecideView.as_view(),
        name="mdf_request_decide",
    ),
    path("funds/requests/<int:fund_request_id>/claim/", portal.ClaimCreateView.as_view(), name="mdf_claim_create"),
    path("funds/claims/<int:claim_id>/proof/", portal.ClaimAddProofView.as_view(), name="mdf_claim_add_proof"),
    path("funds/claims/<int:claim_id>/decide/", console.ClaimDecideView.as_view(), name="mdf_claim_decide"),
    path("funds/claims/<int:claim_id>/pay/", console.ClaimPayView.as_view(), name="mdf_claim_pay"),
    path("funds/files/<int:file_id>/", portal.ProofFileView.as_view(), name="mdf_proof_file"),
    path("mdf/", console.FundListView.as_view(), name="mdf_fund_list"),
    path("mdf/funds/<int:fund_id>/", console.FundDetailView.as_view(), name="mdf_fund"),
    path("mdf/funds/<int:fund_id>/allocate/", console.FundAllocateView.as_view(), name="mdf_fund_allocate"),
    path("mdf/funds/<int:fund_id>/import/", console.FundImportView.as_view(), name="mdf_fund_import"),
    path("mdf/funds/<int:fund_id>/by-tier/", console.FundAllocateTierView.as_view(), name="mdf_fund_by_tier"),
    path("mdf/requests/", console.RequestQueueView.as_view(), name="mdf_request_queue"),
    path("mdf/requests/bulk/", console.RequestBulkDecideView.as_view(), name="mdf_request_bulk"),
    path("mdf/claims/", console.ClaimQueueView.as_view(), name="mdf_claim_queue"),
    path("mdf/payouts/", console.PayoutQueueView.as_view(), name="mdf_payout_queue"),
    path("mdf/payouts/batches/", console.PayoutBatchCreateView.as_view(), name="mdf_batch_create"),
    path(
        "mdf/payouts/batches/<int:batch_id>/export.csv",
        console.PayoutBatchExportView.as_view(),
        name="mdf_batch_export",
    ),
    path(
        "mdf/payouts/batches/<int:batch_id>/confirm/",
        console.PayoutBatchConfirmView.as_view(),
        name="mdf_batch_confirm",
    ),
]
