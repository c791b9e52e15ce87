from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.admin import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm

from safereach.accounts.models import Role, User


class SignInForm(forms.Form):
    """Email and password, with error messages in the GOV.UK style."""

    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        # Accounts are stored with lower-case emails, and people type them in any case.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            self.user = authenticate(self.request, email=email, password=password)
            if self.user is None:
                # One message for a wrong email or a wrong password, so the form does not
                # tell a stranger which emails have accounts.
                raise forms.ValidationError(
                    "Enter a correct email address and password", code="invalid_login"
                )
        return cleaned


class RolesField(forms.TypedMultipleChoiceField):
    """The roles JSON list as checkboxes, so an administrator cannot mistype a role."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Role.choices)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Administrators can use every part of SafeReach.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value or []


class StaffUserCreationForm(AdminUserCreationForm):
    roles = RolesField()

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "agency", "roles")


class StaffUserChangeForm(UserChangeForm):
    roles = RolesField()

    class Meta:
        model = User
        fields = "__all__"
