from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST


class SignInView(LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


@require_POST
def sign_out(request):
    logout(request)
    return redirect("home")


def home(request):
    return render(request, "home.html", {})
