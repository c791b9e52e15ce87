from django.shortcuts import render

from safereach.evidence.models import Dataset


def datasets(request):
    return render(request, "evidence/datasets.html", {"datasets": Dataset.objects.all()})
