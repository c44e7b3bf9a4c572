"""The support-service directory in the Django admin.

A force administrator (staff, role force_admin) manages the services covering
their own force: they see only those, can give a service only their own force,
and never remove another force's cover by saving. The webhook secret is never
shown back: the form has a write-only field and the list shows whether one is set.
Support-worker accounts are created by a superuser in the user admin for now
(a worker belongs to a service, not a force); a service's page lists its workers.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from referrals.models import SupportService
from response_platform.accounts.models import Force, User
from response_platform.accounts.permissions import can_manage_services


class SupportServiceForm(forms.ModelForm):
    webhook_url = forms.URLField(label=_("Webhook URL"), required=False, assume_scheme="https")
    new_webhook_secret = forms.CharField(
        label=_("Webhook secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Write-only: type a new secret to replace the current one; leave empty to keep it."),
    )
    clear_webhook_secret = forms.BooleanField(label=_("Remove the webhook secret"), required=False)

    class Meta:
        model = SupportService
        fields = ("name", "kind", "forces", "areas", "contact_email", "webhook_url", "ack_sla_hours", "active")

    def clean(self):
        cleaned = super().clean() or {}
        has_secret = bool(cleaned.get("new_webhook_secret")) or (
            bool(self.instance.webhook_secret) and not cleaned.get("clear_webhook_secret")
        )
        if cleaned.get("webhook_url") and not has_secret:
            self.add_error("new_webhook_secret", _("A webhook needs a secret to sign its deliveries."))
        return cleaned

    def save(self, commit=True):
        service = super().save(commit=False)
        if self.cleaned_data.get("new_webhook_secret"):
            service.webhook_secret = self.cleaned_data["new_webhook_secret"]
        elif self.cleaned_data.get("clear_webhook_secret"):
            service.webhook_secret = ""
        if commit:
            service.save()
            self.save_m2m()
        return service


class WorkerInline(admin.TabularInline):
    model = User
    fk_name = "support_service"
    fields = ("username", "first_name", "last_name", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("support worker")
    verbose_name_plural = _("support workers")

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or can_manage_services(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SupportService)
class SupportServiceAdmin(admin.ModelAdmin):
    form = SupportServiceForm
    list_display = ("name", "kind", "areas", "ack_sla_hours", "active", "webhook_secret_set")
    list_filter = ("kind", "active")
    search_fields = ("name", "areas")
    filter_horizontal = ("forces",)
    inlines = [WorkerInline]
    fields = (
        "name",
        "kind",
        "forces",
        "areas",
        "contact_email",
        "webhook_url",
        "webhook_secret_set",
        "new_webhook_secret",
        "clear_webhook_secret",
        "ack_sla_hours",
        "active",
    )
    readonly_fields = ("webhook_secret_set",)

    @admin.display(description=_("Webhook secret"))
    def webhook_secret_set(self, obj) -> str:
        return "••••••••" if obj and obj.webhook_secret else str(_("not set"))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(forces=request.user.force_id).distinct()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "forces" and not request.user.is_superuser:
            kwargs["queryset"] = Force.objects.filter(pk=request.user.force_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # The form offers only the admin's own force; keep the other forces the service covers.
        others = []
        if change and not request.user.is_superuser:
            others = list(form.instance.forces.exclude(pk=request.user.force_id))
        super().save_related(request, form, formsets, change)
        if others:
            form.instance.forces.add(*others)

    # Force administrators need no per-model permission rows: their role is the permission.
    def has_module_permission(self, request):
        return request.user.is_superuser or can_manage_services(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        # A service with referrals cannot be deleted (PROTECT); switch it off with "active" instead.
        return request.user.is_superuser
