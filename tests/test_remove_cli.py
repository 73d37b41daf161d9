"""`innoref remove`: confirmation on a terminal, --yes otherwise; unknown keys remove nothing."""

from __future__ import annotations

from conftest import SHIPPED, load
from innoref.location import locate, shipped_data

SHIPPED_BYTES = (SHIPPED / "literature.yaml").read_bytes()


def keys_of(folder):
    return [r.key for r in load(folder).references()]


def test_yes_removes_and_says_so(cli, library):
    result = cli("remove", "krd2013nyevegar", "bolkesjo1999fylkeskommunen", "--yes", data=library)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "removed krd2013nyevegar\nremoved bolkesjo1999fylkeskommunen\n"
    assert "krd2013nyevegar" not in keys_of(library) and len(keys_of(library)) == 5
    shipped = SHIPPED_BYTES.decode()
    bolkesjo = shipped.index("- key: bolkesjo1999fylkeskommunen")
    krd = shipped.index("- key: krd2013nyevegar")
    expected = shipped[:bolkesjo] + shipped[krd:]  # the comments and the other records as they were
    expected = expected[: expected.index("- key: krd2013nyevegar")].rstrip("\n") + "\n"
    assert (library / "literature.yaml").read_text(encoding="utf-8") == expected


def test_without_a_terminal_it_needs_yes(cli, library):
    result = cli("remove", "krd2013nyevegar", data=library)
    assert result.exit_code == 2
    assert result.stderr == "error: remove asks for confirmation; there is no terminal to ask on, so add --yes\n"
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES


def test_on_a_terminal_it_asks(cli, library, monkeypatch):
    from innoref.cli import remove_cmd

    monkeypatch.setattr(remove_cmd, "can_ask", lambda: True)
    result = cli("remove", "krd2013nyevegar", data=library, input="n\n")
    assert result.exit_code == 1 and "nothing removed" in result.stderr
    assert "krd2013nyevegar  Kommunal- og regionaldepartementet (2013) Nye vegar" in result.stderr
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES
    result = cli("remove", "krd2013nyevegar", "moland2010strategisk", data=library, input="y\n")
    assert result.exit_code == 0 and "Remove these 2 references?" in result.stderr
    assert len(keys_of(library)) == 5


def test_an_unknown_key_removes_nothing(cli, library):
    result = cli("remove", "krd2013nyevegar", "moland2013", "--yes", data=library)
    assert result.exit_code == 1
    assert result.stderr == ("error: no reference with key 'moland2013'; "
                             "did you mean moland2013laeringsnettverk, moland2010strategisk?\n")
    assert (library / "literature.yaml").read_bytes() == SHIPPED_BYTES
