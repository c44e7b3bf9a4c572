"""Teams and the missed-opportunity list in the Django admin.

A force administrator manages their own force's teams and its own list entries; the entries
every force shares (no force) they see but only a superuser changes. Members of a team are
picked from the admin's own force.
"""

from django import forms
from django.contrib import admin
from django.db.models import Q

from response_platform.accounts.models import Force, User
from response_platform.accounts.permissions import can_manage_review_settings
from reviews.models import MissedOpportunity, Team, TeamMembership


class ForceAdminOnly:
    """The role is the permission: no per-model permission rows to hand out."""

    def has_module_permission(self, request):
        return request.user.is_superuser or can_manage_review_settings(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) and _own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request) and _own(request, obj)


def _own(request, obj) -> bool:
    if request.user.is_superuser or obj is None:
        return True
    force_id = obj.force_id if not isinstance(obj, TeamMembership) else obj.team.force_id
    return force_id == request.user.force_id


class MembershipForm(forms.ModelForm):
    class Meta:
        model = TeamMembership
        fields = ("user",)

    def clean(self):
        cleaned = super().clean() or {}
        user, team = cleaned.get("user"), self.instance.team if self.instance.team_id else None
        if user is not None and team is not None and user.force_id != team.force_id:
            self.add_error("user", "Only staff of the team's force can be members.")
        return cleaned


class MembershipInline(ForceAdminOnly, admin.TabularInline):
    model = TeamMembership
    form = MembershipForm
    extra = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(force_id=request.user.force_id, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Team)
class TeamAdmin(ForceAdminOnly, admin.ModelAdmin):
    list_display = ("name", "force")
    inlines = [MembershipInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(force_id=request.user.force_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "force" and not request.user.is_superuser:
            kwargs["queryset"] = Force.objects.filter(pk=request.user.force_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MissedOpportunity)
class MissedOpportunityAdmin(ForceAdminOnly, admin.ModelAdmin):
    list_display = ("label", "force", "active", "order")
    list_filter = ("active",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(Q(force__isnull=True) | Q(force_id=request.user.force_id))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "force" and not request.user.is_superuser:
            kwargs["queryset"] = Force.objects.filter(pk=request.user.force_id)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
