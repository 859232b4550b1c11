"""Property-based fuzzing of every importer: whatever the file, the import either succeeds or
is refused with the domain's error (DomainError, whose message the page shows) — never
another exception, which would be a server error — and a refused import adds nothing.

Inputs: random bytes, random text built from fragments of each format (roster headers, GIFT
braces, Moodle XML tags, "第X条" articles…), and mutations of valid files (the samples in
tests/quizzes/samples, the texts in ../shared/regulations, rosters built here).
"""

import io
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from courses.models import Article, Regulation, Revision
from courses.services.regulation_import import decode_regulation_text, import_regulation
from lianbing.errors import DomainError
from people.models import AuditEntry, HRScope, Officer, Unit, User
from people.services.roster_import import import_roster
from people.services.roster_read import read_roster
from quizzes.models import CasePart, Category, Question, QuestionVersion
from quizzes.services.question_import import import_questions
from tests.courses.conftest import REGULATIONS_DIR
from tests.courses.course_factory import TINY_2020, TINY_2024

SAMPLES = Path(__file__).resolve().parents[1] / "quizzes" / "samples"
FUZZ = hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MODELS = (
    Officer,
    User,
    Unit,
    HRScope,
    AuditEntry,
    Question,
    QuestionVersion,
    CasePart,
    Category,
    Regulation,
    Revision,
    Article,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def refused_or_whole(run) -> None:
    """Run one import: a DomainError must leave every table as it was; any other exception
    fails the test. Whatever happened is rolled back for the next example."""
    before = counts()
    savepoint = transaction.savepoint_create()
    try:
        run()
    except DomainError as error:
        assert str(error), "a refusal says why"
        assert counts() == before, "a refused import changed the database"
    finally:
        transaction.savepoint_rollback(savepoint)


# --- Strategies -----------------------------------------------------------------------------


@st.composite
def mutated(draw, samples: list[bytes]) -> bytes:
    """A valid file with a few bytes flipped, cut, inserted or repeated."""
    data = bytearray(draw(st.sampled_from(samples)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "truncate"]))
        if op == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 200))]
        else:
            del data[at:]
    return bytes(data)


@st.composite
def mutated_lines(draw, samples: list[str], fragments: list[str]) -> str:
    """A valid text with lines dropped, repeated, swapped or given a fragment of the format."""
    lines = draw(st.sampled_from(samples)).splitlines()
    for _ in range(draw(st.integers(1, 5))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "repeat", "swap", "fragment", "edit"]))
        if op == "drop":
            del lines[at]
        elif op == "repeat":
            lines.insert(at, lines[at])
        elif op == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif op == "fragment":
            lines.insert(at, draw(st.sampled_from(fragments)))
        else:
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + draw(st.sampled_from(fragments)) + lines[at][cut:]
    return "\n".join(lines)


def structured_text(fragments: list[str]):
    """Text made of the format's own pieces, glued with random characters."""
    piece = st.one_of(
        st.sampled_from(fragments),
        st.text(max_size=12),
        st.sampled_from(["\n", "\r\n", " ", "\t", ",", "\ufeff", "\x00"]),
    )
    return st.lists(piece, max_size=60).map("".join)


# --- Roster import (people) -----------------------------------------------------------------

ROSTER_HEADERS = ["工号", "姓名", "单位编码", "职务", "手机号", "执法证号", "发证日期", "有效期至"]
ROSTER_HEADERS += ["执法领域", "状态"]
ROSTER_ROWS = [
    ["81001", "赵一", "S01", "执法队员", "13800138000", "A33010001", "2024-01-05", "2029-01-04"]
    + ["新闻出版、版权", "在岗"],
    ["81002", "钱二", "S02", "", "", "", "2023/3/1", "2028年2月28日", "", "离岗"],
]
UNIT_ROWS = [["S0103", "东区三中队", "S01", "中队", "3"]]
ROSTER_FRAGMENTS = ROSTER_HEADERS + ["单位名称", "上级单位编码", "类型", "排序", "S01", "S00"]
ROSTER_FRAGMENTS += ["81001", "在岗", "调离", "2024-13-45", ",", '"', '""', "=1+1", "\u3000"]


def roster_csv(rows=ROSTER_ROWS, headers=ROSTER_HEADERS) -> str:
    return "\n".join(",".join(str(cell) for cell in row) for row in [headers, *rows])


def roster_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员"
    for row in [ROSTER_HEADERS, *ROSTER_ROWS]:
        sheet.append(row)
    units = workbook.create_sheet("单位")
    for row in [["单位编码", "单位名称", "上级单位编码", "类型", "排序"], *UNIT_ROWS]:
        units.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_roster_file(world, data: bytes, filename: str) -> None:
    roster = read_roster(data, filename=filename)
    import_roster(roster=roster, actor=world.users["city_hr"])


def test_the_sample_rosters_import_so_the_mutations_start_from_valid_files(world, db):
    for data, name in (
        (roster_csv().encode("utf-8-sig"), "名册.csv"),
        (roster_xlsx(), "名册.xlsx"),
    ):
        savepoint = transaction.savepoint_create()
        import_roster_file(world, data, name)
        assert Officer.objects.filter(employee_number="81002").exists()
        transaction.savepoint_rollback(savepoint)


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(["名册.xlsx", "名册.csv", "名册"]))
def test_roster_import_of_random_bytes_is_refused_cleanly(world, db, data, name):
    refused_or_whole(lambda: import_roster_file(world, data, name))


@FUZZ
@given(
    text=st.one_of(
        structured_text(ROSTER_FRAGMENTS),
        mutated_lines([roster_csv()], ROSTER_FRAGMENTS),
    ),
    encoding=st.sampled_from(["utf-8-sig", "gbk", "utf-16"]),
)
def test_roster_import_of_csv_like_text_is_refused_cleanly_or_whole(world, db, text, encoding):
    data = text.encode(encoding, "replace")
    refused_or_whole(lambda: import_roster_file(world, data, "名册.csv"))


@FUZZ
@given(data=mutated([roster_xlsx()]))
def test_roster_import_of_damaged_workbooks_is_refused_cleanly(world, db, data):
    refused_or_whole(lambda: import_roster_file(world, data, "名册.xlsx"))


# --- Question import (quizzes: Excel template, GIFT, Moodle XML) ----------------------------

GIFT_FRAGMENTS = ["::Q1::", "::", "{", "}", "=", "~", "#", "%50%", "%-100%", "->", "$CATEGORY:"]
GIFT_FRAGMENTS += ["// 注释", "[html]", "[markdown]", "\\{", "\\=", "{T}", "{F}", "{#1:2}", "\n\n"]
GIFT_FRAGMENTS += ["行政处罚的种类", "《测试市文化市场管理条例》第三条", "\\n"]
XML_FRAGMENTS = ['<?xml version="1.0"?>', "<quiz>", "</quiz>", '<question type="multichoice">']
XML_FRAGMENTS += ['<question type="truefalse">', '<question type="category">', "</question>"]
XML_FRAGMENTS += ["<name><text>", "</text></name>", "<questiontext>", "</questiontext>"]
XML_FRAGMENTS += ['<answer fraction="100">', '<answer fraction="-50">', "</answer>", "<text>"]
XML_FRAGMENTS += ["</text>", "<![CDATA[", "]]>", "&amp;", "&bogus;", "<single>", "true", "<"]
XML_FRAGMENTS += ['<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', "&a;", "<tags><tag>", "</tag>"]


def question_samples() -> list[bytes]:
    return [path.read_bytes() for path in sorted(SAMPLES.iterdir()) if path.is_file()]


def question_xlsx() -> bytes:
    from quizzes.services.formats.spreadsheet import template_workbook

    return template_workbook()


def import_question_file(world, data: bytes, filename: str) -> None:
    import_questions(data=data, filename=filename, actor=world.users["trainer"])


@FUZZ
@given(
    data=st.binary(max_size=2000),
    name=st.sampled_from(["题库.xlsx", "题库.csv", "题库.gift", "题库.txt", "题库.xml", "题库"]),
)
def test_question_import_of_random_bytes_is_refused_cleanly(world, db, data, name):
    refused_or_whole(lambda: import_question_file(world, data, name))


@FUZZ
@given(
    text=st.one_of(
        structured_text(GIFT_FRAGMENTS).map(lambda t: (t, "题库.gift")),
        structured_text(XML_FRAGMENTS).map(lambda t: (t, "题库.xml")),
        mutated_lines(
            [s.decode() for s in question_samples() if s[:1] != b"P"], GIFT_FRAGMENTS
        ).map(lambda t: (t, "题库.gift")),
        mutated_lines(
            [s.decode() for s in question_samples() if s.lstrip().startswith(b"<")],
            XML_FRAGMENTS,
        ).map(lambda t: (t, "题库.xml")),
    )
)
def test_question_import_of_gift_and_xml_like_text_is_refused_cleanly_or_whole(world, db, text):
    content, name = text
    refused_or_whole(lambda: import_question_file(world, content.encode(), name))


@FUZZ
@given(data=mutated([question_xlsx(), *question_samples()]), name=st.sampled_from(["a.xlsx", "a"]))
def test_question_import_of_damaged_files_is_refused_cleanly(world, db, data, name):
    refused_or_whole(lambda: import_question_file(world, data, name))


# --- Regulation import (courses: Markdown) --------------------------------------------------

REGULATION_FRAGMENTS = ["# ", "## 第一章　总 则", "### 第一节　一般规定", "第一条 ", "第二条　"]
REGULATION_FRAGMENTS += ["第一百零一条 ", "第三条之一 ", "（一）", "（二十）", "<!-- INFO END -->"]
REGULATION_FRAGMENTS += ["2020年1月1日 测试市人民代表大会常务委员会公告第1号公布", "2024年13月1日"]
REGULATION_FRAGMENTS += ["第二次修订", "。", "：", "\n\n", "**", "> ", "- ", "第零条"]


def regulation_texts() -> list[str]:
    texts = [TINY_2020, TINY_2024]
    directory = Path(REGULATIONS_DIR)
    if directory.is_dir():
        files = sorted(p for p in directory.glob("*.md") if p.name != "SOURCES.md")
        texts += [p.read_text(encoding="utf-8") for p in files[:3]]
    return texts


def import_regulation_file(data: bytes) -> None:
    import_regulation(text=decode_regulation_text(data), source_name="fuzz.md")


@FUZZ
@given(data=st.binary(max_size=2000))
def test_regulation_import_of_random_bytes_is_refused_cleanly(world, db, data):
    refused_or_whole(lambda: import_regulation_file(data))


@FUZZ
@given(
    text=st.one_of(
        structured_text(REGULATION_FRAGMENTS),
        mutated_lines(regulation_texts(), REGULATION_FRAGMENTS),
    )
)
def test_regulation_import_of_markdown_like_text_is_refused_cleanly_or_whole(world, db, text):
    refused_or_whole(lambda: import_regulation_file(text.encode()))


@FUZZ
@given(data=mutated([t.encode() for t in regulation_texts()]))
def test_regulation_import_of_damaged_files_is_refused_cleanly(world, db, data):
    refused_or_whole(lambda: import_regulation_file(data))


@pytest.mark.parametrize("text", regulation_texts()[:2])
def test_the_sample_regulations_import_so_the_mutations_start_from_valid_texts(world, db, text):
    savepoint = transaction.savepoint_create()
    import_regulation_file(text.encode())
    transaction.savepoint_rollback(savepoint)
