from django.http import HttpResponse


def directory(request):
    return HttpResponse("todo")


person_detail = organisation_list = organisation_detail = profile_edit = directory
