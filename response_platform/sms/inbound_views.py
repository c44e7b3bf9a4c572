def case_panel(request, case) -> str:
    return ""
