from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from response_platform.accounts.models import Force, User


class OwnForceOnly:
    """A force administrator manages their own force; only a superuser sees every force."""

    force_lookup = "force"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.force_lookup: request.user.force_id})


@admin.register(Force)
class ForceAdmin(OwnForceOnly, admin.ModelAdmin):
    force_lookup = "pk"
    list_display = ("code", "name", "join_link_minutes")

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(User)
class StaffAdmin(OwnForceOnly, UserAdmin):
    list_display = ("username", "first_name", "last_name", "force", "role", "is_active")
    list_filter = ("force", "role", "is_active")
    fieldsets = UserAdmin.fieldsets + (("Force and role", {"fields": ("force", "role")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Force and role", {"fields": ("force", "role")}),)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "force" and not request.user.is_superuser:
            kwargs["queryset"] = Force.objects.filter(pk=request.user.force_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out the keys to every force.
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return (*readonly, "is_superuser", "user_permissions", "groups")
