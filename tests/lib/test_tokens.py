from response_platform.lib.crypto import sha256_hex
from response_platform.lib.tokens import new_token


def test_a_token_is_128_bits_in_22_url_safe_characters_and_only_its_hash_is_kept():
    token, digest = new_token()
    assert len(token) == 22
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert digest == sha256_hex(token)
    assert token not in digest


def test_tokens_do_not_repeat():
    assert len({new_token()[0] for _ in range(1000)}) == 1000
