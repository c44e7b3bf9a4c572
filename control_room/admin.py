"""Call outcomes in the Django admin: a force admin manages their own force's list.

Outcomes offered to every force (no force) are a superuser's; a force admin sees
them but cannot change them, and can give an outcome only their own force.
"""

from django.contrib import admin
from django.db.models import Q

from control_room.models import CallOutcome
from response_platform.accounts.models import Force
from response_platform.accounts.permissions import can_manage_call_outcomes


@admin.register(CallOutcome)
class CallOutcomeAdmin(admin.ModelAdmin):
    list_display = ("label", "force", "position", "active")
    list_filter = ("active",)
    ordering = ("force", "position", "label")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(Q(force_id=request.user.force_id) | Q(force__isnull=True))

    def _manages(self, request) -> bool:
        return request.user.is_superuser or can_manage_call_outcomes(request.user)

    def has_module_permission(self, request):
        return self._manages(request)

    def has_view_permission(self, request, obj=None):
        return self._manages(request)

    def has_add_permission(self, request):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.force_id is None:
            return request.user.is_superuser
        return self._manages(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "force" and not request.user.is_superuser:
            kwargs["queryset"] = Force.objects.filter(pk=request.user.force_id)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
