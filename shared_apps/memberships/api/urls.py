from django.urls import path

from .views import MemberDetailView, MemberListView

urlpatterns = [
    path("", MemberListView.as_view(), name="members"),
    path("<int:user_id>/", MemberDetailView.as_view(), name="member-detail"),
]
