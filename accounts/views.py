from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from accounts.access import home_url_name


@login_required
def home(request):
    name, args = home_url_name(request.user)
    return redirect(name, *args)
