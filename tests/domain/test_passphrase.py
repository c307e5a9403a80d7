from app.domain.passphrase import passphrase_problems


def test_a_long_passphrase_of_words_is_accepted():
    assert passphrase_problems("custody suite kettle 42", username="jo") == []


def test_each_weak_passphrase_gets_a_reason_that_says_how_to_fix_it():
    assert "at least 12" in passphrase_problems("short")[0]
    assert any("different characters" in p for p in passphrase_problems("aaaaaaaaaaaaaa"))
    assert any("commonly used" in p for p in passphrase_problems("password1234"))
    assert any("commonly used" in p for p in passphrase_problems("abcdefghijklmn"))
    assert any("username" in p for p in passphrase_problems("jbloggs kettle 42",
                                                           username="jbloggs"))
    assert any("name" in p for p in passphrase_problems("bloggsfamily 2024",
                                                       full_name="Jo Bloggs"))
