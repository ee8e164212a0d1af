import os

from jinpu_portal.settings import load_dotenv


def test_dotenv_fills_in_only_what_the_environment_leaves_unset(tmp_path, monkeypatch):
    path = tmp_path / ".env"
    path.write_text(
        "# a comment\nJINPU_TEST_A=from-file\nJINPU_TEST_B='quoted'\nnot a setting\n"
        "JINPU_TEST_C=from-file\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("JINPU_TEST_A", raising=False)
    monkeypatch.delenv("JINPU_TEST_B", raising=False)
    monkeypatch.setenv("JINPU_TEST_C", "from-environment")

    load_dotenv(path)

    assert os.environ["JINPU_TEST_A"] == "from-file"
    assert os.environ["JINPU_TEST_B"] == "quoted"
    assert os.environ["JINPU_TEST_C"] == "from-environment"
    for key in ("JINPU_TEST_A", "JINPU_TEST_B"):
        monkeypatch.delenv(key)


def test_a_missing_dotenv_is_fine(tmp_path):
    load_dotenv(tmp_path / "absent.env")
