from django.urls import path

from partners import views

urlpatterns = [
    path("partners/", views.PartnerListView.as_view(), name="partner_list"),
    path("partners/options/", views.PartnerOptionsView.as_view(), name="partner_options"),
    path("partners/<int:partner_id>/", views.PartnerDetailView.as_view(), name="partner_detail"),
]
