"""Write the blank forms and filled-in samples that service guides link to.

Run from anywhere with the project's interpreter:

    /work/main/.venv/bin/python /work/main/guides/files/make_forms.py

Each form is described once as data (sections, rows of labelled boxes, tables);
the same description draws the blank form and, with the sample values, the
sample. Every sample uses an obviously fictitious applicant and carries a
"样本 SAMPLE" watermark. The PDFs are A4, text only (no images), and embed a
subset of the WenQuanYi Micro Hei font so Chinese prints on any machine.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

HERE = Path(__file__).resolve().parent
FONT = "WQY"
pdfmetrics.registerFont(
    TTFont(FONT, "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", subfontIndex=0)
)

PAGE_W, PAGE_H = A4
MARGIN = 36
WIDTH = PAGE_W - 2 * MARGIN
GREY = Color(0.92, 0.92, 0.92)
LABEL = Color(0.25, 0.25, 0.25)
FILL = Color(0.05, 0.2, 0.6)  # sample values: dark blue, like ink
MARK = Color(0.85, 0.2, 0.2, alpha=0.18)
BOX = "□"
TICK = "■"


# --------------------------------------------------------------------------- drawing helpers


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break text into lines that fit ``width``; CJK may break anywhere, Latin at spaces."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for token in _tokens(para):
            trial = line + token
            if line and pdfmetrics.stringWidth(trial, FONT, size) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = trial
        lines.append(line)
    return lines


def _tokens(text: str) -> list[str]:
    tokens, word = [], ""
    for ch in text:
        if ord(ch) < 0x2E80 and not ch.isspace():
            word += ch
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(ch)
    if word:
        tokens.append(word)
    return tokens


class Sheet:
    """A canvas with a cursor that moves down the page and breaks pages when needed."""

    def __init__(self, path: Path, title: str, sample: bool):
        self.c = Canvas(
            str(path), pagesize=A4, pageCompression=1, initialFontName=FONT, invariant=1
        )
        self.c.setTitle(title)
        self.c.setAuthor("衡阳市政务服务中心 Hengyang Government Service Center")
        self.sample = sample
        self.page = 1
        self.y = PAGE_H - MARGIN
        self._decorate()

    def _decorate(self) -> None:
        c = self.c
        c.setFont(FONT, 7)
        c.setFillColor(LABEL)
        c.drawRightString(PAGE_W - MARGIN, MARGIN / 2, f"第 {self.page} 页 / Page {self.page}")
        c.drawString(MARGIN, MARGIN / 2, "表格免费提供，不得收费 / This form is free of charge")
        if self.sample:
            c.saveState()
            c.setFillColor(MARK)
            c.setFont(FONT, 64)
            c.translate(PAGE_W / 2, PAGE_H / 2)
            c.rotate(35)
            c.drawCentredString(0, 0, "样本  SAMPLE")
            c.restoreState()
        c.setFillColor(black)

    def need(self, height: float) -> None:
        if self.y - height < MARGIN + 6:
            self.c.showPage()
            self.page += 1
            self.y = PAGE_H - MARGIN
            self._decorate()

    def text(self, x: float, y: float, s: str, size: float, color=black) -> None:
        self.c.setFont(FONT, size)
        self.c.setFillColor(color)
        self.c.drawString(x, y, s)
        self.c.setFillColor(black)

    def save(self) -> None:
        self.c.save()


# --------------------------------------------------------------------------- form parts
#
# A form is a list of parts:
#   ("section", zh, en)                            a shaded heading bar
#   ("row", [(zh, en, fraction, key), ...], h)     labelled boxes side by side
#   ("table", [(zh, en, fraction), ...], rows, key) a table with blank rows
#   ("para", zh, en)                               a paragraph (instructions, declarations)
# Keys look up the sample's values; a table key gives a list of rows.


def draw_title(s: Sheet, zh: str, en: str, ref: str | None) -> None:
    c = s.c
    c.setFont(FONT, 17)
    c.drawCentredString(PAGE_W / 2, s.y - 18, zh)
    c.setFont(FONT, 10)
    c.setFillColor(LABEL)
    c.drawCentredString(PAGE_W / 2, s.y - 33, en)
    c.setFillColor(black)
    s.y -= 42
    if ref:
        s.text(MARGIN, s.y - 8, ref, 7.5, LABEL)
        s.y -= 12
    if s.sample:
        note = "样本：所有信息均为虚构，仅供参照填写 / SAMPLE: every detail is fictitious, for reference only"
        s.text(MARGIN, s.y - 9, note, 8, Color(0.75, 0.1, 0.1))
        s.y -= 14


def draw_section(s: Sheet, zh: str, en: str) -> None:
    s.need(18 + 30)
    c = s.c
    c.setFillColor(GREY)
    c.rect(MARGIN, s.y - 16, WIDTH, 16, stroke=1, fill=1)
    c.setFillColor(black)
    s.text(MARGIN + 5, s.y - 11.5, zh, 9.5)
    s.text(MARGIN + 5 + pdfmetrics.stringWidth(zh, FONT, 9.5) + 8, s.y - 11.5, en, 8, LABEL)
    s.y -= 16


def draw_row(s: Sheet, cells, height: float, values: dict, fixed: dict) -> None:
    """Labelled boxes; a sample prints its values in blue, a blank form only the fixed choices."""
    s.need(height)
    c = s.c
    x = MARGIN
    for zh, en, frac, key in cells:
        w = WIDTH * frac
        c.rect(x, s.y - height, w, height, stroke=1, fill=0)
        s.text(x + 3, s.y - 9, zh, 7.5)
        s.text(x + 3, s.y - 17, en, 6, LABEL)
        if s.sample and values.get(key):
            value, color = values[key], FILL
        else:
            value, color = fixed.get(key), black
        if value:
            ty = s.y - 28
            for line in wrap(value, 9, w - 8):
                if ty < s.y - height + 3:
                    break
                s.text(x + 5, ty, line, 9, color)
                ty -= 11
        x += w
    s.y -= height


def draw_table(s: Sheet, columns, rows: int, key: str, values: dict) -> None:
    head, row_h = 24, 18
    s.need(head + row_h * min(rows, 2))
    c = s.c
    data = values.get(key, []) if s.sample else []
    x = MARGIN
    for zh, en, frac in columns:
        w = WIDTH * frac
        c.rect(x, s.y - head, w, head, stroke=1, fill=0)
        s.text(x + 3, s.y - 10, zh, 7.5)
        s.text(x + 3, s.y - 19, en, 6, LABEL)
        x += w
    s.y -= head
    for r in range(rows):
        s.need(row_h)
        x = MARGIN
        for i, (_, _, frac) in enumerate(columns):
            w = WIDTH * frac
            c.rect(x, s.y - row_h, w, row_h, stroke=1, fill=0)
            if r < len(data) and i < len(data[r]) and data[r][i]:
                line = wrap(data[r][i], 8.5, w - 6)[0]
                s.text(x + 3, s.y - 12.5, line, 8.5, FILL)
            x += w
        s.y -= row_h


def draw_para(s: Sheet, zh: str, en: str) -> None:
    zh_lines = wrap(zh, 8.5, WIDTH - 10)
    en_lines = wrap(en, 7, WIDTH - 10)
    height = 6 + 11 * len(zh_lines) + 9 * len(en_lines) + 4
    s.need(height)
    s.c.rect(MARGIN, s.y - height, WIDTH, height, stroke=1, fill=0)
    ty = s.y - 13
    for line in zh_lines:
        s.text(MARGIN + 5, ty, line, 8.5)
        ty -= 11
    for line in en_lines:
        s.text(MARGIN + 5, ty, line, 7, LABEL)
        ty -= 9
    s.y -= height


def render(form: dict, sample: bool) -> Path:
    suffix = "sample" if sample else "form"
    path = HERE / f"{form['file']}-{suffix}.pdf"
    title = form["title_zh"] + ("（样本）" if sample else "")
    s = Sheet(path, title, sample)
    draw_title(s, form["title_zh"], form["title_en"], form.get("ref"))
    values, fixed = form.get("sample", {}), form.get("fixed", {})
    for part in form["parts"]:
        kind = part[0]
        if kind == "section":
            draw_section(s, part[1], part[2])
        elif kind == "row":
            draw_row(s, part[1], part[2], values, fixed)
        elif kind == "table":
            draw_table(s, part[1], part[2], part[3], values)
        elif kind == "para":
            draw_para(s, part[1], part[2])
        else:  # pragma: no cover - a typo in the data below
            raise ValueError(f"unknown part {kind!r}")
    s.save()
    return path


def boxes(options: list[str], ticked: set[str] = frozenset()) -> str:
    return "  ".join(f"{TICK if o in ticked else BOX}{o}" for o in options)


# --------------------------------------------------------------------------- the forms

SIGN_H = 40

COMPANY = {
    "file": "company-registration",
    "title_zh": "公司登记（备案）申请书",
    "title_en": "Company Registration (Filing) Application Form",
    "ref": "适用于有限责任公司设立登记 / For the establishment registration of a limited liability company",
    "parts": [
        ("section", "一、基本信息", "Basic information"),
        ("row", [("名称", "Company name", 1.0, "name")], 32),
        (
            "row",
            [
                ("住所", "Registered address", 0.7, "address"),
                ("邮政编码", "Postcode", 0.3, "postcode"),
            ],
            32,
        ),
        (
            "row",
            [("联系电话", "Telephone", 0.5, "phone"), ("电子邮箱", "E-mail", 0.5, "email")],
            32,
        ),
        ("section", "二、设立信息", "Establishment details"),
        (
            "row",
            [
                ("法定代表人姓名", "Legal representative", 0.5, "rep"),
                ("公司类型", "Company type", 0.5, "type"),
            ],
            32,
        ),
        (
            "row",
            [
                ("注册资本（万元）", "Registered capital (10,000 yuan)", 0.5, "capital"),
                ("经营期限", "Term of operation", 0.5, "term"),
            ],
            32,
        ),
        ("row", [("经营范围", "Business scope", 1.0, "scope")], 54),
        (
            "row",
            [
                ("申领纸质执照", "Paper licence wanted", 0.5, "paper"),
                ("副本数量", "Number of duplicate copies", 0.5, "copies"),
            ],
            32,
        ),
        ("section", "三、股东（发起人）出资情况", "Shareholders and capital contributions"),
        (
            "table",
            [
                ("股东名称或姓名", "Shareholder", 0.22),
                ("证件类型", "ID type", 0.13),
                ("证件号码", "ID number", 0.24),
                ("认缴出资额（万元）", "Subscribed (10k yuan)", 0.15),
                ("出资方式", "Form", 0.11),
                ("出资期限", "Pay by", 0.15),
            ],
            4,
            "holders",
        ),
        ("section", "四、董事、监事、经理", "Directors, supervisors and manager"),
        (
            "row",
            [
                ("董事", "Director(s)", 0.34, "director"),
                ("监事", "Supervisor(s)", 0.33, "supervisor"),
                ("经理", "Manager", 0.33, "manager"),
            ],
            32,
        ),
        ("section", "五、联络员", "Liaison officer"),
        (
            "row",
            [
                ("姓名", "Name", 0.3, "liaison"),
                ("移动电话", "Mobile", 0.3, "liaison_phone"),
                ("身份证件号码", "ID number", 0.4, "liaison_id"),
            ],
            32,
        ),
        (
            "para",
            "本公司依照《中华人民共和国公司法》《中华人民共和国市场主体登记管理条例》申请登记，"
            "提交材料真实有效，如有虚假，愿承担相应法律责任。",
            "The company applies for registration under the Company Law and the Regulations on the "
            "Registration of Market Entities. The materials are true and valid; the company accepts "
            "legal responsibility for any false information.",
        ),
        (
            "row",
            [
                ("法定代表人签字", "Signature of the legal representative", 0.5, "sign"),
                ("日期", "Date", 0.5, "date"),
            ],
            SIGN_H,
        ),
    ],
    "sample": {
        "name": "衡阳样本示范科技有限公司（虚构）",
        "address": "湖南省衡阳市示例区样本路 1 号（虚构地址）",
        "postcode": "421000",
        "phone": "0734-0000000",
        "email": "sample@example.com",
        "rep": "张三",
        "type": "有限责任公司（自然人投资或控股）",
        "capital": "100",
        "term": "长期",
        "scope": "一般项目：软件开发；信息技术咨询服务。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
        "paper": boxes(["否", "是"], {"是"}),
        "copies": "1",
        "holders": [
            ["张三", "居民身份证", "430400199001010000（示例）", "60", "货币", "2029-12-31"],
            ["李四", "居民身份证", "430400199202020000（示例）", "40", "货币", "2029-12-31"],
        ],
        "director": "张三（执行董事）",
        "supervisor": "李四",
        "manager": "张三",
        "liaison": "王五",
        "liaison_phone": "13800000000",
        "liaison_id": "430400199303030000（示例）",
        "sign": "张三",
        "date": "2026 年 1 月 5 日",
    },
}

WORK_INJURY = {
    "file": "work-injury-application",
    "title_zh": "工伤认定申请表",
    "title_en": "Work-Injury Recognition Application Form",
    "ref": "依据《工伤保险条例》第十七条、第十八条 / Under Articles 17 and 18 of the Regulations on Work-Related Injury Insurance",
    "parts": [
        ("section", "一、申请人与受伤害职工", "Applicant and injured worker"),
        (
            "row",
            [
                ("申请人", "Applicant", 0.4, "applicant"),
                ("受伤害职工", "Injured worker", 0.4, "worker"),
                ("性别", "Sex", 0.2, "sex"),
            ],
            32,
        ),
        (
            "row",
            [
                ("出生日期", "Date of birth", 0.3, "birth"),
                ("身份证号码", "ID number", 0.4, "id"),
                ("联系电话", "Telephone", 0.3, "phone"),
            ],
            32,
        ),
        (
            "row",
            [
                ("家庭地址", "Home address", 0.75, "home"),
                ("邮政编码", "Postcode", 0.25, "home_post"),
            ],
            32,
        ),
        (
            "row",
            [
                ("申请人与受伤害职工关系", "Applicant's relation to the worker", 0.4, "relation"),
                ("职业、工种或工作岗位", "Occupation, trade or post", 0.3, "post"),
                ("参加工作时间", "Date employment began", 0.3, "since"),
            ],
            32,
        ),
        ("section", "二、用人单位", "Employer"),
        (
            "row",
            [
                ("工作单位", "Employer", 0.65, "employer"),
                ("单位联系电话", "Employer telephone", 0.35, "employer_phone"),
            ],
            32,
        ),
        (
            "row",
            [
                ("单位地址", "Employer address", 0.75, "employer_addr"),
                ("邮政编码", "Postcode", 0.25, "employer_post"),
            ],
            32,
        ),
        ("section", "三、事故或职业病情况", "Accident or occupational disease"),
        (
            "row",
            [
                (
                    "事故时间、地点及主要原因",
                    "Time, place and main cause of the accident",
                    1.0,
                    "accident",
                )
            ],
            46,
        ),
        (
            "row",
            [
                ("诊断时间", "Date of diagnosis", 0.35, "diag_date"),
                ("受伤害部位", "Injured part of the body", 0.65, "part"),
            ],
            32,
        ),
        (
            "row",
            [
                ("职业病名称", "Occupational disease", 0.34, "disease"),
                ("接触职业病危害岗位", "Post exposed to the hazard", 0.33, "hazard_post"),
                ("接触职业病危害时间", "Period of exposure", 0.33, "hazard_time"),
            ],
            32,
        ),
        (
            "row",
            [
                (
                    "受伤害经过简述（写不下可附页）",
                    "Brief account of how the injury happened (continue on a separate sheet if needed)",
                    1.0,
                    "account",
                )
            ],
            70,
        ),
        ("row", [("申请事项", "What you ask for", 1.0, "request")], 32),
        ("section", "四、意见", "Opinions"),
        (
            "row",
            [
                (
                    "受伤害职工或其近亲属意见（签字）",
                    "Opinion of the worker or a close relative (signature)",
                    0.5,
                    "worker_opinion",
                ),
                ("用人单位意见（盖章）", "Opinion of the employer (seal)", 0.5, "employer_opinion"),
            ],
            46,
        ),
        (
            "row",
            [
                (
                    "社会保险行政部门审查资料和受理意见（以下由受理窗口填写）",
                    "Review and acceptance by the social insurance department (for the window)",
                    1.0,
                    "official",
                )
            ],
            46,
        ),
        (
            "para",
            "填表说明：申请人为用人单位的，在“申请人”处填写单位名称；为职工或其近亲属、工会组织的，填写其姓名或名称。"
            "事故伤害的，“职业病”各栏可不填；职业病的，“事故”栏可不填。",
            "Notes: if the employer applies, write its name under Applicant; if the worker, a relative or the trade union applies, "
            "write that name. Leave the occupational disease boxes empty for an accident, and the accident box empty for an occupational disease.",
        ),
    ],
    "sample": {
        "applicant": "衡阳样本示范机械有限公司（虚构）",
        "worker": "李四",
        "sex": "男",
        "birth": "1990-02-02",
        "id": "430400199002020000（示例）",
        "phone": "13800000001",
        "home": "湖南省衡阳市示例区样本路 2 号（虚构地址）",
        "home_post": "421000",
        "relation": "用人单位",
        "post": "冲压操作工",
        "since": "2021-06-01",
        "employer": "衡阳样本示范机械有限公司（虚构）",
        "employer_phone": "0734-0000001",
        "employer_addr": "湖南省衡阳市示例区样本工业园 8 号（虚构地址）",
        "employer_post": "421000",
        "accident": "2026 年 1 月 12 日 10 时 30 分，在本单位一号车间冲压工位作业时，右手被冲压模具压伤。",
        "diag_date": "2026-01-12",
        "part": "右手食指",
        "disease": "—",
        "hazard_post": "—",
        "hazard_time": "—",
        "account": "当日李四按排班在一号车间从事冲压作业，更换工件时设备误动作，右手食指被模具压伤。"
        "班组长王五立即将其送往医院救治，诊断为右手食指末节骨折。事故发生在工作时间和工作场所内，因工作原因所致。",
        "request": "申请认定为工伤",
        "worker_opinion": "同意申请。李四  2026-01-20",
        "employer_opinion": "情况属实，申请认定工伤。（单位盖章）2026-01-20",
        "official": "",
    },
}

HOUSING_FUND = {
    "file": "housing-fund-withdrawal",
    "title_zh": "住房公积金提取申请表",
    "title_en": "Housing Provident Fund Withdrawal Application Form",
    "ref": "衡阳市住房公积金管理中心 / Hengyang Housing Provident Fund Management Center",
    "parts": [
        ("section", "一、申请人信息", "Applicant"),
        (
            "row",
            [
                ("职工姓名", "Name", 0.3, "name"),
                ("身份证号码", "ID number", 0.4, "id"),
                ("手机号码", "Mobile", 0.3, "mobile"),
            ],
            32,
        ),
        (
            "row",
            [
                ("个人公积金账号", "Personal fund account number", 0.4, "account"),
                ("单位名称", "Employer", 0.6, "employer"),
            ],
            32,
        ),
        ("section", "二、提取原因（在□内打勾）", "Reason for withdrawal (tick one)"),
        ("row", [("提取原因", "Reason", 1.0, "reason")], 58),
        (
            "row",
            [
                (
                    "房屋坐落（购房、建房、还贷、租房提取时填写）",
                    "Address of the home (for purchase, building, loan or rent withdrawals)",
                    1.0,
                    "house",
                )
            ],
            32,
        ),
        ("section", "三、提取金额与收款账户", "Amount and receiving account"),
        (
            "row",
            [
                ("提取金额（小写，元）", "Amount (in figures, yuan)", 0.4, "amount"),
                ("提取金额（大写）", "Amount (in words)", 0.6, "amount_words"),
            ],
            32,
        ),
        (
            "row",
            [
                ("收款银行", "Bank", 0.35, "bank"),
                (
                    "银行账号（本人一类借记卡）",
                    "Account number (own Class I debit card)",
                    0.4,
                    "bank_no",
                ),
                ("户名", "Account holder", 0.25, "holder"),
            ],
            32,
        ),
        (
            "row",
            [
                (
                    "配偶姓名（配偶共同提取时填写）",
                    "Spouse's name (if also withdrawing)",
                    0.4,
                    "spouse",
                ),
                ("配偶身份证号码", "Spouse's ID number", 0.6, "spouse_id"),
            ],
            32,
        ),
        (
            "para",
            "申请人承诺：本人提供的信息和材料真实、有效，同意住房公积金管理中心通过信息共享核验相关信息。"
            "如有虚假，愿退回所提资金并承担相应法律责任。",
            "Declaration: the information and materials I provide are true and valid, and I agree that the Center may verify them "
            "through data sharing. If anything is false I will repay the money withdrawn and accept legal responsibility.",
        ),
        (
            "row",
            [
                ("申请人签字", "Applicant's signature", 0.5, "sign"),
                ("申请日期", "Date", 0.5, "date"),
            ],
            SIGN_H,
        ),
        ("section", "以下由住房公积金中心填写", "For the Housing Provident Fund Center"),
        (
            "row",
            [
                ("经办人", "Officer", 0.34, "officer"),
                ("审核意见", "Decision", 0.33, "decision"),
                ("日期", "Date", 0.33, "office_date"),
            ],
            36,
        ),
    ],
    "sample": {
        "name": "王五",
        "id": "430400199303030000（示例）",
        "mobile": "13800000002",
        "account": "0000000000（示例）",
        "employer": "衡阳样本示范科技有限公司（虚构）",
        "house": "湖南省衡阳市示例区样本小区 3 栋 101 室（租住，虚构地址）",
        "amount": "6000.00",
        "amount_words": "陆仟元整",
        "bank": "示例银行衡阳分行（虚构）",
        "bank_no": "6200 0000 0000 0000（示例）",
        "holder": "王五",
        "spouse": "—",
        "spouse_id": "—",
        "sign": "王五",
        "date": "2026 年 1 月 5 日",
        "officer": "",
        "decision": "",
        "office_date": "",
    },
}
# Fixed choices print on the blank form too; the sample ticks one of them.
REASONS = [
    ["购买自住住房", "建造、翻建、大修自住住房", "偿还住房贷款本息"],
    ["租赁住房", "离休、退休", "完全丧失劳动能力并终止劳动关系"],
    ["出境定居", "其他：________"],
]
HOUSING_FUND["fixed"] = {"reason": "\n".join(boxes(r) for r in REASONS)}
HOUSING_FUND["sample"]["reason"] = "\n".join(boxes(r, {"租赁住房"}) for r in REASONS)

CUSTOMS = {
    "file": "customs-filing",
    "title_zh": "报关单位备案信息表",
    "title_en": "Customs Declarant Registration Information Form",
    "ref": "依据《中华人民共和国海关报关单位备案管理规定》（海关总署令第253号）第五条 / Under Article 5 of GACC Order No. 253",
    "parts": [
        ("section", "一、单位基本信息", "Basic information"),
        (
            "row",
            [
                ("统一社会信用代码", "Unified social credit code", 0.5, "uscc"),
                ("海关编码（海关填写）", "Customs code (filled in by customs)", 0.5, "code"),
            ],
            32,
        ),
        ("row", [("中文名称", "Name in Chinese", 1.0, "name_zh")], 32),
        ("row", [("英文名称", "Name in English", 1.0, "name_en")], 32),
        ("row", [("中文注册地址", "Registered address in Chinese", 1.0, "addr_zh")], 32),
        ("row", [("英文注册地址", "Registered address in English", 1.0, "addr_en")], 32),
        (
            "row",
            [
                ("所属海关", "Customs district", 0.34, "customs"),
                ("经济区划", "Economic zone", 0.33, "zone"),
                ("行政区划", "Administrative division", 0.33, "division"),
            ],
            32,
        ),
        ("row", [("企业类别", "Declarant type", 1.0, "category")], 32),
        (
            "row",
            [
                ("法定代表人（负责人）", "Legal representative", 0.3, "rep"),
                ("证件类型及号码", "ID type and number", 0.45, "rep_id"),
                ("移动电话", "Mobile", 0.25, "rep_phone"),
            ],
            32,
        ),
        (
            "row",
            [
                ("海关业务联系人", "Customs contact person", 0.3, "contact"),
                ("移动电话", "Mobile", 0.35, "contact_mobile"),
                ("固定电话", "Telephone", 0.35, "contact_phone"),
            ],
            32,
        ),
        (
            "row",
            [
                ("跨境贸易电子商务类型", "Cross-border e-commerce type", 0.5, "ecommerce"),
                ("特殊贸易区域", "Special trade zone", 0.5, "special_zone"),
            ],
            32,
        ),
        ("section", "二、出资者", "Investors"),
        (
            "table",
            [
                ("出资者名称", "Investor", 0.34),
                ("出资者国别（地区）", "Country (region)", 0.18),
                ("出资金额（万）", "Amount (10k)", 0.16),
                ("出资金额币制", "Currency", 0.14),
                ("出资日期", "Date", 0.18),
            ],
            3,
            "investors",
        ),
        ("section", "三、所属报关人员", "Customs declaration staff"),
        (
            "table",
            [
                ("姓名", "Name", 0.18),
                ("身份证件类型", "ID type", 0.17),
                ("身份证件号码", "ID number", 0.3),
                ("移动电话", "Mobile", 0.2),
                ("业务种类", "Action", 0.15),
            ],
            3,
            "staff",
        ),
        (
            "para",
            "本单位承诺：对本表所填报备案信息内容的真实性和完整性负责，并承担相应的法律责任。"
            "信息发生变更的，将在规定时间内向海关办理变更手续。",
            "We are responsible for the truth and completeness of the information in this form and accept the legal consequences. "
            "We will report any change to customs within the required time.",
        ),
        (
            "row",
            [("单位（盖章）", "Seal of the declarant", 0.5, "seal"), ("日期", "Date", 0.5, "date")],
            SIGN_H,
        ),
    ],
    "sample": {
        "uscc": "91430400SAMPLE000X（示例）",
        "code": "",
        "name_zh": "衡阳样本示范贸易有限公司（虚构）",
        "name_en": "Hengyang Sample Demo Trading Co., Ltd. (fictitious)",
        "addr_zh": "湖南省衡阳市示例区样本路 3 号（虚构地址）",
        "addr_en": "No. 3 Sample Road, Example District, Hengyang, Hunan (fictitious)",
        "customs": "衡阳海关",
        "zone": "一般经济区域",
        "division": "衡阳市（示例）",
        "category": boxes(["进出口货物收发货人", "报关企业"], {"进出口货物收发货人"}),
        "rep": "张三",
        "rep_id": "居民身份证 430400199001010000（示例）",
        "rep_phone": "13800000000",
        "contact": "王五",
        "contact_mobile": "13800000002",
        "contact_phone": "0734-0000002",
        "ecommerce": "无",
        "special_zone": "无",
        "investors": [
            ["张三", "中国", "60", "人民币", "2029-12-31"],
            ["李四", "中国", "40", "人民币", "2029-12-31"],
        ],
        "staff": [
            ["王五", "居民身份证", "430400199303030000（示例）", "13800000002", "备案"],
        ],
        "seal": "（单位盖章）",
        "date": "2026 年 1 月 8 日",
    },
}

COMPANY["fixed"] = {"paper": boxes(["否", "是"])}
CUSTOMS["fixed"] = {"category": boxes(["进出口货物收发货人", "报关企业"])}

FORMS = [COMPANY, WORK_INJURY, HOUSING_FUND, CUSTOMS]


def main() -> None:
    for form in FORMS:
        for sample in (False, True):
            path = render(form, sample)
            print(f"wrote {path.name} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
