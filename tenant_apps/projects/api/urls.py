from django.urls import path

from .views import ProjectDetailView, ProjectListView

urlpatterns = [
    path("", ProjectListView.as_view(), name="projects"),
    path("<int:project_id>/", ProjectDetailView.as_view(), name="project-detail"),
]
