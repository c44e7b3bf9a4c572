"""Numbers that replied STOP: no further text goes to them."""


def is_opted_out(phone: str) -> bool:
    return False
