"""The benchmark's tenant-host endpoint: reads one row of one tenant table."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from tenant_apps.projects.models import Project


def first_project(request: HttpRequest) -> JsonResponse:
    project = Project.objects.values("id", "name").first()
    return JsonResponse({"project": project})


urlpatterns = [path("bench/", first_project)]
