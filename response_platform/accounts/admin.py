from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from response_platform.accounts.models import Force, User


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "join_link_minutes")


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "force", "role", "is_active")
    list_filter = ("force", "role", "is_active")
    fieldsets = UserAdmin.fieldsets + (("Force and role", {"fields": ("force", "role")}),)
