"""The words catalogue: one phrase, two languages, English plurals."""

from sheets_templates.words import Count, Text, lang_of


def test_text_picks_the_language_and_fills_values() -> None:
    hello = Text("你好，{name}", "Hello, {name}")
    assert hello("zh", name="张三") == "你好，张三"
    assert hello("en", name="Zhang San") == "Hello, Zhang San"


def test_count_says_one_file_and_two_files() -> None:
    files = Count(zh="{n} 个文件", one="{n} file", many="{n} files")
    assert files(1, "en") == "1 file"
    assert files(2, "en") == "2 files"
    assert files(0, "en") == "0 files"
    assert files(1, "zh") == "1 个文件"


def test_lang_of_reads_what_a_user_types() -> None:
    assert lang_of("en") == "en"
    assert lang_of("English") == "en"
    assert lang_of("英文") == "en"
    assert lang_of("zh") == "zh"
    assert lang_of("中文") == "zh"
    assert lang_of(None) == "zh"
