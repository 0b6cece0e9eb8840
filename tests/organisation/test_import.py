"""Issue "Organisation changes", acceptance 3: an HR export with every kind of error is refused
with each problem named by file and line, and changes nothing; a clean one imports (CSV and XLSX),
each new person is e-mailed a link that sets their password; the same files again change nothing."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from organisation import imports, services
from portal.models import RoleAssignment, Unit, User

UNITS = """code,name,parent,kind
XA01,UBND xã Một,UBND,commune
XA02,UBND xã Hai,XA01,commune
PHONG01,Phòng Văn hóa,XA01,division
"""
PEOPLE = """username,full_name,email,unit,position_type,party_member,roles
nv_an,Nguyễn Văn An,an@xa01.gov.vn,XA01,administrative_leader,có,head
tt_binh,Trần Thị Bình,binh@xa01.gov.vn,XA01,other_staff,không,cadre
lv_cuong,Lê Văn Cường,cuong@xa02.gov.vn,XA02,,x,cadre;deputy
cadre_a,Phạm Minh Châu,cadre_a@demo.gov.vn.invalid,SKHDT,,,cadre
"""
# One of each kind of error, each on its own line (the line is the file's: the header is line 1).
BAD_UNITS = """code,name,parent,kind
XA01,UBND xã Một,UBND,commune
XA01,Trùng mã,UBND,commune
XA03,Cha không có,KHONGCO,commune
XA04,Loại lạ,UBND,village
VÒNG1,Mã có dấu,UBND,commune
CY1,Vòng một,CY2,division
CY2,Vòng hai,CY1,division
,Không mã,UBND,commune
"""
BAD_PEOPLE = """username,full_name,email,unit,position_type,party_member,roles
nv_an,Nguyễn Văn An,khong-phai-email,XA01,administrative_leader,có,head
tt_binh,Trần Thị Bình,binh@xa01.gov.vn,XA01,giam_doc,không,cadre
tt_binh,Trùng tên,binh2@xa01.gov.vn,XA01,,,cadre
lv_cuong,Lê Văn Cường,cuong@xa.gov.vn,KHONGCO,,,cadre
hv_dung,Hoàng Văn Dũng,dung@xa.gov.vn,XA01,,có lẽ,cadre
pt_em,Phạm Thị Em,em@xa.gov.vn,XA01,,,boss
dv_gia,Đỗ Văn Giang,gia@xa.gov.vn,SKHDT,,,head
ho ten sai,Tên đăng nhập sai,sai@xa.gov.vn,XA01,,,
lt_hoa,Lý Thị Hoa,cadre_a@demo.gov.vn.invalid,XA01,,,
"""
KINDS = {
    "units.csv, dòng 3": "xuất hiện hai lần",  # duplicate code
    "units.csv, dòng 4": "KHONGCO",  # unknown parent
    "units.csv, dòng 5": "village",  # unknown kind of unit
    "units.csv, dòng 6": "chỉ gồm chữ",  # a code with diacritics
    "units.csv, dòng 7": "vòng",  # a cycle (both of its lines)
    "units.csv, dòng 8": "vòng",
    "units.csv, dòng 9": "thiếu mã đơn vị",  # missing code
    "people.csv, dòng 2": "không phải là địa chỉ thư điện tử",  # bad e-mail
    "people.csv, dòng 3": "giam_doc",  # unknown position type
    "people.csv, dòng 4": "xuất hiện hai lần",  # duplicate username
    "people.csv, dòng 5": "KHONGCO",  # unknown unit
    "people.csv, dòng 6": "có lẽ",  # Party member neither yes nor no
    "people.csv, dòng 7": "boss",  # unknown role
    "people.csv, dòng 8": "đã có thủ trưởng",  # a second head
    "people.csv, dòng 9": "tên đăng nhập hợp lệ",  # bad username
    "people.csv, dòng 10": "của người khác",  # an e-mail someone else has
}


def files(units: str = UNITS, people: str = PEOPLE) -> list[tuple[str, bytes]]:
    return [("units.csv", units.encode()), ("people.csv", people.encode())]


def snapshot() -> tuple:
    return (
        list(Unit.objects.values_list("code", "name", "parent_id", "kind").order_by("code")),
        list(User.objects.values_list("username", "full_name", "email", "unit_id").order_by("username")),
        RoleAssignment.objects.count(), Unit.history.count(), User.history.count(),
    )  # fmt: skip


def test_a_file_with_every_kind_of_error_lists_each_by_line_and_changes_nothing(demo):
    before = snapshot()
    checked = services.people_import(actor=demo["admin"], tables=imports.read(files(BAD_UNITS, BAD_PEOPLE)))
    found = {}
    for where, problem in checked.problems:
        found.setdefault(where, []).append(problem)
    for where, words in KINDS.items():
        assert any(words in problem for problem in found.get(where, [])), (where, found.get(where))
    assert len(set(KINDS.values())) >= 10
    assert snapshot() == before
    assert not mail.outbox


def test_a_clean_file_imports_and_a_second_import_changes_nothing(demo, django_capture_on_commit_callbacks):
    dry = services.people_import(actor=demo["admin"], tables=imports.read(files()), dry_run=True)
    assert (len(dry.new_units), len(dry.new_people), dry.problems) == (3, 3, [])
    assert not Unit.objects.filter(code="XA01").exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.people_import(actor=demo["admin"], tables=imports.read(files()))
    assert done.changes == 3 + 3 + 4  # units, people, roles (cadre_a already a cadre of SKHDT)
    xa02 = Unit.objects.get(code="XA02")
    assert xa02.parent.code == "XA01" and xa02.parent.parent.code == "UBND" and xa02.kind == "commune"
    an = User.objects.get(username="nv_an")
    assert (an.unit.code, an.position_type, an.is_party_member, an.has_usable_password()) == (
        "XA01", "administrative_leader", True, False,
    )  # fmt: skip
    assert RoleAssignment.objects.head_of(Unit.objects.get(code="XA01")) == an
    cuong = RoleAssignment.objects.current().filter(user__username="lv_cuong")
    assert set(cuong.values_list("role", flat=True)) == {"cadre", "deputy"}
    assert User.objects.get(username="cadre_a").unit.code == "SKHDT"
    assert an.history.latest().history_change_reason == "imported by admin"
    # each new person's welcome, with a link that sets the password once
    welcome = [
        message
        for message in mail.outbox
        if message.to == ["an@xa01.gov.vn"] and "set-password" in message.body
    ]
    assert len(welcome) == 1 and {m.to[0] for m in mail.outbox if "set-password" in m.body} == {
        "an@xa01.gov.vn", "binh@xa01.gov.vn", "cuong@xa02.gov.vn",
    }  # fmt: skip
    link = re.search(r"https?://\S+/accounts/set-password/\S+/", welcome[0].body).group(0)
    client = Client()
    form = client.get(urlsplit(link).path, follow=True)
    assert form.status_code == 200
    answer = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Mat-khau-2026!", "new_password2": "Mat-khau-2026!"}
    )
    assert answer.status_code == 302
    an.refresh_from_db()
    assert an.check_password("Mat-khau-2026!")
    # the same file again: nothing to do, nothing written
    before = snapshot()
    again = services.people_import(actor=demo["admin"], tables=imports.read(files()))
    assert (again.changes, again.problems) == (0, []) and snapshot() == before


def test_a_workbook_imports_like_the_csv_files_and_the_command_reports(demo, tmp_path, capsys):
    from openpyxl import Workbook

    workbook = Workbook()
    units = workbook.active
    units.title = "Đơn vị"
    for line in UNITS.strip().splitlines():
        units.append(line.split(","))
    people = workbook.create_sheet("Cán bộ")
    for line in PEOPLE.strip().splitlines():
        people.append(line.split(","))
    path = tmp_path / "nhan_su.xlsx"
    workbook.save(path)
    call_command("import_people", str(path), "--dry-run")
    assert "Would change: 3 new units" in capsys.readouterr().out
    call_command("import_people", str(path))
    assert User.objects.get(username="tt_binh").unit.code == "XA01"
    call_command("import_people", str(path))
    assert "nothing to do" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(BAD_PEOPLE.encode())
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_people", str(bad))
    assert "bad.csv, dòng 2" in capsys.readouterr().out


def test_unreadable_files_are_refused_clearly(demo):
    for name, content in (("x.txt", b"a"), ("x.xlsx", b"not a workbook"), ("x.csv", b"a,b\n1,2"),
                          ("x.csv", b"\xff\xfe\x00")):  # fmt: skip
        with pytest.raises(imports.UnreadableFile):
            imports.read([(name, content)])


def test_the_import_page_checks_then_imports(client, demo):
    client.force_login(demo["admin"])
    assert client.get("/organisation/import/").status_code == 200
    bad = client.post("/organisation/import/", {"files": [_upload("people.csv", BAD_PEOPLE)], "apply": "1"})
    assert bad.status_code == 400 and "people.csv, dòng 2" in bad.content.decode()
    assert not User.objects.filter(username="nv_an").exists()
    checked = client.post("/organisation/import/", {"files": _uploads(), "apply": "0"})
    assert checked.status_code == 200 and not Unit.objects.filter(code="XA01").exists()
    done = client.post("/organisation/import/", {"files": _uploads(), "apply": "1"})
    assert done.status_code == 200 and Unit.objects.filter(code="XA02", parent__code="XA01").exists()
    assert client.post("/organisation/import/", {"apply": "1"}).status_code == 400
    weird = client.post("/organisation/import/", {"files": [_upload("x.txt", "a")], "apply": "1"})
    assert weird.status_code == 400 and ".xlsx" in weird.content.decode()
    client.force_login(demo["head_top"])
    assert client.get("/organisation/import/").status_code == 403


def _upload(name: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode())


def _uploads() -> list:
    return [_upload("units.csv", UNITS), _upload("people.csv", PEOPLE)]
