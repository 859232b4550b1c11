from django.http import HttpResponse


def officer_list(request):  # replaced by the roster work
    return HttpResponse(status=404)
