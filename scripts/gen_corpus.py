#!/usr/bin/env python3
"""Generate a synthetic pufa site for benchmarks.

    gen_corpus.py --pages N --out DIR [--seed S] [--laws DIR] [--force]

Writes, in pufa's content model:

    DIR/content/articles/aNNNNN.md            about 60 % of the pages
    DIR/content/events/eNNNNN.md              about 15 %
    DIR/content/lessons/<series>/lNNNNN.md    about 25 %, in up to 12 series folders
    DIR/corpus.json                           manifest: counts, sizes, source fingerprint

Bodies (about 1.5-4 KB of UTF-8 Markdown each) mix headings, paragraphs, block quotes,
lists and sometimes a table. Their text is taken from the statute files in --laws
(default: content/laws of this repository), and they cite those statutes as
《短名》第X条 with the article numbers exactly as the source writes them. About 5 % of
the citations name laws that are not in the source, so the "unknown law" path is
exercised too. Every page links to 1-3 other generated pages with site-absolute URLs.

No _index.md files and no site.yaml are written: the caller adds site.yaml.

The same arguments and the same statute files always give byte-identical output.
Python 3.9+, standard library only.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import re
import shutil
import sys

GENERATOR = "pufa scripts/gen_corpus.py"
VERSION = 1

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT_LAWS_DIR = os.path.join(SCRIPT_DIR, "..", "content", "laws")

# Pages are dated up to this day; a few events start after it (upcoming ones).
LAST_DATE = datetime.date(2026, 11, 30)
FIRST_DATE = datetime.date(2020, 1, 1)

BODY_MIN = 1536        # target body size range, UTF-8 bytes
BODY_MAX = 3900
BODY_HARD_MAX = 3850   # blocks stop here; "unknown law" sentences may add ~100-200 bytes
UNKNOWN_LAW_SHARE = 0.05

# --------------------------------------------------------------------------- vocabulary

TAGS = [
    "宪法", "民法典", "婚姻家庭", "继承", "合同", "物权", "人格权", "侵权责任",
    "未成年人保护", "妇女权益", "老年人权益", "反家庭暴力", "反电信诈骗", "治安管理",
    "行政处罚", "法律援助", "人民调解", "土地承包", "劳动者权益", "消费维权",
    "安全生产", "消防安全", "禁毒", "道路交通", "网络安全", "生态环境", "乡村振兴",
    "扫黑除恶", "国家安全", "法治文化",
]

# Tags that fit a law, so that a page's tags usually match what it talks about.
LAW_TAGS = {
    "宪法": ["宪法", "国家安全", "法治文化"],
    "民法典": ["民法典", "婚姻家庭", "继承", "合同", "物权", "人格权", "侵权责任"],
    "反家庭暴力法": ["反家庭暴力", "婚姻家庭", "妇女权益"],
    "未成年人保护法": ["未成年人保护", "网络安全"],
    "妇女权益保障法": ["妇女权益", "婚姻家庭"],
    "老年人权益保障法": ["老年人权益", "继承"],
    "反电信网络诈骗法": ["反电信诈骗", "网络安全"],
    "治安管理处罚法": ["治安管理", "禁毒", "扫黑除恶"],
    "行政处罚法": ["行政处罚"],
    "法律援助法": ["法律援助"],
    "人民调解法": ["人民调解"],
    "农村土地承包法": ["土地承包", "乡村振兴"],
}

# (folder, Chinese name, laws the lessons are drawn from when the source has them)
SERIES = [
    ("minfadian", "民法典小课堂", ["民法典"]),
    ("xianfa", "宪法学习课", ["宪法"]),
    ("jiating", "家庭和睦法律课", ["反家庭暴力法", "民法典"]),
    ("humiao", "护苗成长法治课", ["未成年人保护法"]),
    ("fanzha", "反诈防骗小课堂", ["反电信网络诈骗法"]),
    ("jinguo", "巾帼普法课堂", ["妇女权益保障法"]),
    ("yinling", "银龄法律讲堂", ["老年人权益保障法"]),
    ("tiaojie", "人民调解员培训班", ["人民调解法"]),
    ("zhian", "治安管理知识课", ["治安管理处罚法"]),
    ("zhifa", "行政执法入门", ["行政处罚法"]),
    ("yuanzhu", "法律援助指南", ["法律援助法"]),
    ("tudi", "农村土地承包课", ["农村土地承包法"]),
]
SERIES_WEIGHTS = [5, 3, 2, 2, 2, 2, 2, 2, 2, 1, 1, 2]

# Laws that are deliberately absent from content/laws, with their article counts, for
# citations that must produce "unknown law" warnings. Names found in --laws are dropped.
UNKNOWN_LAWS = [
    ("劳动合同法", 98), ("消防法", 74), ("劳动法", 107), ("安全生产法", 119),
    ("食品安全法", 154), ("消费者权益保护法", 63), ("禁毒法", 71), ("道路交通安全法", 124),
    ("土地管理法", 87), ("网络安全法", 79), ("乡村振兴促进法", 74), ("行政复议法", 90),
    ("民事诉讼法", 291), ("刑法", 452), ("村民委员会组织法", 41),
]

VILLAGES = ["上坝村", "下湾村", "青石村", "桂花村", "白沙村", "红岩村", "杨柳村", "金竹村",
            "长岭村", "双河社区", "向阳社区", "新街社区", "三合村", "茶园村"]
VENUES = ["镇文化活动中心", "镇政府二楼大会议室", "镇司法所调解室", "镇中心小学多功能厅",
          "镇初级中学报告厅", "赶集街口", "镇卫生院广场", "镇便民服务中心", "法治主题公园",
          "镇敬老院", "镇农贸市场入口", "镇新时代文明实践所"]
ORGS = ["镇司法所", "镇普法办公室", "镇综治中心", "镇妇联", "团镇委", "镇人民法庭",
        "镇派出所", "镇市场监管所", "镇应急管理办公室", "镇人力资源和社会保障服务中心",
        "镇法律服务所", "镇关工委"]
ACTIVITIES = ["法治讲座", "普法赶集日", "宪法宣传周活动", "法治文艺演出", "以案释法交流会",
              "模拟法庭", "免费法律咨询", "反诈宣传进万家", "开学第一堂法治课", "民法典宣讲会",
              "人民调解员轮训", "安全生产宣传咨询日", "禁毒知识展览", "法治电影周"]
AUDIENCES = ["全镇村（居）民", "在校中小学生及家长", "辖区企业负责人和安全员", "村（社区）法律明白人",
             "老年人及其子女", "返乡务工人员", "新婚夫妇及家庭成员", "个体工商户"]
CASE_KINDS = ["宅基地", "赡养", "彩礼返还", "邻里通行", "土地流转", "网购退货", "冒充客服诈骗",
              "遗产分割", "民间借贷", "高空抛物", "家暴求助", "校园欺凌"]
QUESTIONS = ["老人的赡养费该由谁承担？", "口头借款没有借条还能要回来吗？", "离婚后孩子的抚养费怎么算？",
             "承包地流转要签书面合同吗？", "接到“客服”退款电话该怎么办？", "邻居在公共通道堆放杂物怎么办？",
             "遗嘱怎样写才有效？", "孩子在学校受欺负，家长能做什么？", "被罚款不服可以申请听证吗？",
             "请不起律师能申请法律援助吗？", "遭受家庭暴力可以向哪些部门求助？", "村里的纠纷能找谁调解？"]

EDITORIAL = [
    "在{village}的入户走访中，不少群众对“{topic}”的规定还不够了解。",
    "{org}工作人员提醒，遇到类似情况要先保存好书面材料、聊天记录等证据。",
    "经过人民调解员耐心细致的工作，双方当事人最终达成了调解协议。",
    "这类纠纷在农村比较常见，处理不好容易激化矛盾，甚至引发治安案件。",
    "法律明白人在现场用通俗的语言讲解了相关规定，并回答了群众的提问。",
    "如果协商不成，当事人还可以依法申请仲裁或者向人民法院提起诉讼。",
    "学法是为了用法，只有把法律规定记在心里，遇事才能不慌。",
    "{org}将继续把普法工作延伸到田间地头，让法治观念深入人心。",
    "很多村民以为“{topic}”只是家务事，其实法律早有明确规定。",
    "在{village}召开的院坝会上，{org}的同志结合身边案例作了讲解。",
    "对于经济困难的群众，可以向当地法律援助机构申请免费的法律帮助。",
    "事情虽小，关系到的却是每一个家庭的切身利益。",
    "办理相关手续时，应当携带身份证件，并如实提供有关材料。",
    "有疑问的群众也可以拨打公共法律服务热线进行咨询。",
]
TIPS = ["重要约定尽量采用书面形式，写清楚时间、金额和双方姓名。",
        "不要轻信陌生来电，更不要向陌生账户转账。",
        "遇到纠纷先冷静，不要采取过激行为。",
        "保存好收据、合同、转账记录等证据。",
        "拿不准的事情，及时向村（社区）法律顾问咨询。",
        "发现违法犯罪线索，可以向公安机关举报。",
        "未成年人遇到危险，要第一时间告诉家长或老师。",
        "签字之前一定要看清内容，不懂的地方先问明白。"]
STEPS = ["向村（居）民委员会反映情况", "申请人民调解委员会调解", "向镇司法所寻求帮助",
         "向有关行政机关投诉或者举报", "申请法律援助", "依法向人民法院提起诉讼"]
ARTICLE_HEADINGS = ["法律依据", "条文解读", "案例回顾", "律师说法", "群众关心的问题", "温馨提示",
                    "办事指南", "相关规定", "专家点评", "普法小贴士"]
EVENT_HEADINGS = ["活动内容", "参加对象", "报名方式", "注意事项", "宣传重点"]
LESSON_EXTRA = ["案例分析", "易错提醒", "知识拓展"]
UNKNOWN_SENTENCES = ["此外，{cite}对此也有相应规定，可以一并学习。",
                     "需要提醒的是，涉及“{topic}”的事项还要注意{cite}的要求。",
                     "相关内容还可以参阅{cite}。",
                     "有群众问到{cite}的适用问题，工作人员作了耐心解答。"]
EXERCISES = ["本课学习的条文主要保护哪些人的权益？", "请用自己的话说一说该条规定的意思。",
             "判断：文中的做法是否符合法律规定？为什么？", "遇到类似情况，你会向哪个部门求助？",
             "本课涉及的法律责任有哪些？"]

TEMPLATE_FIELDS = {t: re.findall(r"\{(\w+)\}", t) for t in EDITORIAL}

ARTICLE_TITLES = [
    "{law}里的“{topic}”，这些要点要记牢",
    "以案释法：{village}一起{case}纠纷的调解经过",
    "普法问答｜{question}",
    "{org}深入{village}开展{activity}",
    "一文读懂{law}{num}",
    "“{topic}”怎么理解？法律明白人来解答",
    "{tag}知识：{topic}",
    "{month}月普法简报：{activity}走进{village}",
]
EVENT_TITLES = [
    "{org}将在{venue}举办{activity}",
    "“{activity}”活动预告（{village}站）",
    "关于开展{activity}的通知",
]

# --------------------------------------------------------------------------- statutes

CN_DIGITS = "零一二三四五六七八九"
CN_VALUE = {c: i for i, c in enumerate(CN_DIGITS)}
CN_VALUE["〇"] = 0
CN_UNITS = {"十": 10, "百": 100, "千": 1000}

# Separators in the statute files vary: articles use an ASCII or ideographic space after
# 第X条; headings use EN SPACEs (U+2002) and letter-space some words (准 合 同, 总 则).
# Python's \s covers all of them.
ARTICLE_LINE = re.compile(r"(第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?)(?:\s+(.*))?$")
HEADING_LINE = re.compile(r"(#{1,6})(?:\s+(.*?))?[\s#]*$")
DIVISION_PREFIX = re.compile(r"^第[零〇一二三四五六七八九十百千]+(?:分编|编|章|节)")
SPACES = re.compile(r"\s+")


def int_to_cn(n):
    """1043 -> 一千零四十三, 10 -> 十, 110 -> 一百一十 (the way statutes number articles)."""
    if n <= 0 or n >= 10000:
        raise ValueError(n)
    out = []
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        digit, n = divmod(n, value)
        if digit:
            if pending_zero:
                out.append("零")
                pending_zero = False
            if not (value == 10 and digit == 1 and not out):
                out.append(CN_DIGITS[digit])
            out.append(unit)
        elif out:
            pending_zero = True
    if n:
        if pending_zero:
            out.append("零")
        out.append(CN_DIGITS[n])
    return "".join(out)


def cn_to_int(s):
    total, digit = 0, 0
    for ch in s:
        if ch in CN_VALUE:
            digit = CN_VALUE[ch]
        else:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
    return total + digit


def article_sort_key(num):
    """第十条之一 sorts right after 第十条."""
    body = num[1:]
    main, _, sub = body.partition("条")
    sub = sub[1:] if sub.startswith("之") else ""
    return cn_to_int(main), cn_to_int(sub) if sub else 0


class Law:
    def __init__(self, name):
        self.name = name
        self.articles = []        # [(number as written, [paragraphs], topic)]
        self.by_number = {}       # number -> article
        self.topics = []
        self.files = []

    def add(self, article):
        if article[0] in self.by_number:
            return False
        self.by_number[article[0]] = article
        self.articles.append(article)
        if article[2] not in self.topics:
            self.topics.append(article[2])
        return True


def parse_law_text(text):
    """Statute Markdown -> (short name, [(number, [paragraphs], topic)]) or None.

    The topic of an article is the innermost heading above it (a chapter or section
    name without its 第X章 prefix), else the part title (合同编) or the law's name.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    titles = []
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        if s.startswith("# "):
            titles.append(s[2:].strip())
        elif s:
            break
        i += 1
    if not titles:
        return None
    for j in range(i, len(lines)):
        if lines[j].strip() == "<!-- INFO END -->":
            i = j + 1
            break
    name = titles[0].removeprefix("中华人民共和国").strip()
    base_topic = titles[1] if len(titles) > 1 and 2 <= len(titles[1]) <= 12 else name
    headings = {}  # level -> topic or None
    topic = base_topic
    articles = []
    current = None
    in_comment = False
    for raw in lines[i:]:
        s = raw.strip()
        if in_comment:
            in_comment = "-->" not in s
            continue
        if not s:
            continue
        if s.startswith("<!--"):
            in_comment = "-->" not in s
            continue
        m = HEADING_LINE.match(s)
        if m:
            current = None  # text between a heading and the next article belongs to no article
            level = len(m.group(1))
            words = DIVISION_PREFIX.sub("", SPACES.sub("", m.group(2) or ""))
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = words if 2 <= len(words) <= 12 else None
            topic = next((headings[k] for k in sorted(headings, reverse=True) if headings[k]), base_topic)
            continue
        m = ARTICLE_LINE.match(s)
        if m:
            current = (m.group(1), [], topic)
            articles.append(current)
            if m.group(2) and m.group(2).strip():
                current[1].append(m.group(2).strip())
            continue
        if current is not None:
            current[1].append(s)
    return name, [a for a in articles if a[1]]


def load_laws(laws_dir):
    files = []
    for root, dirs, names in os.walk(laws_dir):
        dirs.sort()
        for n in sorted(names):
            if n.endswith(".md") and n != "_index.md":
                full = os.path.join(root, n)
                files.append((os.path.relpath(full, laws_dir).replace(os.sep, "/"), full))
    files.sort()
    laws = {}
    fingerprint = hashlib.sha256()
    duplicates = 0
    for rel, full in files:
        with open(full, "rb") as fh:
            data = fh.read()
        parsed = parse_law_text(data.decode("utf-8", "replace"))
        if parsed is None or not parsed[1]:
            continue
        fingerprint.update(rel.encode("utf-8") + b"\0" + data + b"\0")
        name, articles = parsed
        law = laws.setdefault(name, Law(name))
        law.files.append(rel)
        for article in articles:
            if not law.add(article):
                duplicates += 1
    for law in laws.values():
        law.articles.sort(key=lambda a: article_sort_key(a[0]))
    ordered = [laws[k] for k in sorted(laws)]
    return ordered, fingerprint.hexdigest(), duplicates


# --------------------------------------------------------------------------- text helpers

MD_SPECIAL = re.compile(r"[\\`*_\[\]<]")
CELL_ESCAPES = str.maketrans({"|": "｜", "\n": " "})


def md(s):
    """Escape the characters that would make statute text into Markdown syntax or HTML."""
    return MD_SPECIAL.sub(r"\\\g<0>", s)


def nbytes(s):
    return len(s.encode("utf-8"))


def clip(s, limit):
    """Shorten s to at most `limit` UTF-8 bytes, preferably at the end of a sentence."""
    if limit < 12:
        return ""
    if nbytes(s) <= limit:
        return s
    cut = s.encode("utf-8")[:limit - 6].decode("utf-8", "ignore")
    end = max(cut.rfind("。"), cut.rfind("；"), cut.rfind("！"), cut.rfind("？"))
    if end >= len(cut) // 3:
        return cut[:end] + "。"
    comma = cut.rfind("，")
    if comma >= len(cut) // 3:
        return cut[:comma] + "……"
    return cut + "……"


def yq(s):
    """YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ylist(items):
    return "[" + ", ".join(yq(i) for i in items) + "]"


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"


def cn_time(dt):
    return "%d年%d月%d日%d:%02d" % (dt.year, dt.month, dt.day, dt.hour, dt.minute)


# --------------------------------------------------------------------------- bodies


class Body:
    """Markdown blocks of one page body, with a byte budget."""

    def __init__(self, limit):
        self.blocks = []
        self.size = 0
        self.limit = limit

    def room(self):
        return self.limit - self.size - 2

    def add(self, block):
        if block:
            self.blocks.append(block)
            self.size += nbytes(block) + 2

    def insert(self, at, block):
        self.blocks.insert(at, block)
        self.size += nbytes(block) + 2

    def text(self):
        return "\n\n".join(self.blocks) + "\n"


class PageWriter:
    """Builds one page body; everything random comes from this page's own generator."""

    def __init__(self, corpus, rng, law):
        self.c = corpus
        self.r = rng
        self.law = law
        self.citations = 0
        self.unknown = 0

    # citations --------------------------------------------------------------
    def article(self, law=None):
        """A real article: (law, number, paragraphs); usually from the page's own law."""
        r = self.r
        if law is None:
            law = self.law if r.random() < 0.6 else self.c.pick_law(r)
        num, paras, _ = r.choice(law.articles)
        return law, num, paras

    def cite(self, law, num):
        self.citations += 1
        return "《%s》%s" % (law.name, num)

    def mention(self):
        """A citation in running text, of an article that exists."""
        law, num, _ = self.article()
        return self.cite(law, num)

    def unknown_mentions(self, body):
        """Add paragraphs citing laws the site lacks: about UNKNOWN_LAW_SHARE of all citations."""
        r = self.r
        if not self.c.unknown:
            return
        share = self.c.unknown_share
        k = int(self.citations * share / (1 - share) + r.random())
        for _ in range(k):
            name, count = r.choice(self.c.unknown)
            c = "《%s》第%s条" % (name, int_to_cn(r.randint(1, count)))
            self.citations += 1
            self.unknown += 1
            text = r.choice(UNKNOWN_SENTENCES).format(cite=c, topic=r.choice(self.law.topics))
            body.insert(r.randint(1, len(body.blocks)), text)

    def fill(self, template):
        """Fill an EDITORIAL template, drawing only the fields it uses."""
        r = self.r
        values = {}
        for field in TEMPLATE_FIELDS[template]:
            if field == "village":
                values[field] = r.choice(VILLAGES)
            elif field == "org":
                values[field] = r.choice(ORGS)
            elif field == "topic":
                values[field] = r.choice(self.law.topics)
            elif field == "law":
                values[field] = "《%s》" % self.law.name
        return template.format(**values)

    # blocks -----------------------------------------------------------------
    def statute_paragraph(self, cap):
        r = self.r
        law, num, paras = self.article()
        if paras[0].endswith("：") and len(paras) > 1:  # an article that introduces a list
            return self.quote(cap, law, num, paras)
        c = self.cite(law, num)
        form = r.randrange(4)
        if form == 0:
            return "根据%s的规定，%s" % (c, md(clip(r.choice(paras), cap - 60)))
        if form == 1:
            return "%s明确规定：“%s”" % (c, md(clip(paras[0], cap - 50)))
        if form == 2:
            return "**%s**　%s" % (c, md(clip(paras[0], cap - 50)))
        lead = md(self.fill(r.choice(EDITORIAL)))
        return "%s%s规定，%s" % (lead, c, md(clip(r.choice(paras), cap - nbytes(lead) - 40)))

    def commentary(self, cap):
        r = self.r
        sentences = [self.fill(t) for t in r.sample(EDITORIAL, r.randint(2, 3))]
        if r.random() < 0.45:
            sentences.insert(r.randint(1, len(sentences)), "具体可参照%s的有关规定。" % self.mention())
        return clip(md("".join(sentences)), cap)

    def quote(self, cap, law=None, num=None, paras=None):
        if law is None:
            law, num, paras = self.article()
        lines = ["> %s　%s" % (self.cite(law, num), md(clip(paras[0], cap - 60)))]
        used = nbytes(lines[0])
        for p in paras[1:]:
            p = md(p)
            if used + nbytes(p) + 6 > cap:
                break
            lines.append(">\n> " + p)
            used += nbytes(p) + 6
        return "\n".join(lines)

    def bullet_list(self, cap):
        r = self.r
        law, num, paras = self.article()
        items = [p for p in paras[1:] if p.startswith("（")]
        if len(items) >= 3:
            head = "%s列举了以下情形：" % self.cite(law, num)
            items = [md(clip(p, 150)) for p in items[:6]]
        else:
            head = r.choice(["几点提醒：", "需要注意的是：", "记住下面几条："])
            items = [md(t) for t in r.sample(TIPS, r.randint(2, 3))]
            for _ in range(r.randint(1, 2)):
                l2, n2, p2 = self.article()
                items.append("%s：%s" % (self.cite(l2, n2), md(clip(p2[0], 140))))
        out = head + "\n\n" + "\n".join("- " + i for i in items)
        while nbytes(out) > cap and len(items) > 1:
            items.pop()
            out = head + "\n\n" + "\n".join("- " + i for i in items)
        return out if nbytes(out) <= cap else ""

    def steps_list(self):
        r = self.r
        steps = sorted(r.sample(range(len(STEPS)), r.randint(3, 5)))
        return "\n".join("%d. %s；" % (i + 1, STEPS[s]) for i, s in enumerate(steps)).rstrip("；") + "。"

    def table(self, cap):
        r = self.r
        rows = ["| 法律依据 | 主要内容 |", "| --- | --- |"]
        for _ in range(r.randint(3, 5)):
            law, num, paras = self.article()
            row = "| %s | %s |" % (self.cite(law, num), md(clip(paras[0], 96)).translate(CELL_ESCAPES))
            if sum(nbytes(x) + 1 for x in rows) + nbytes(row) > cap:
                break
            rows.append(row)
        return "\n".join(rows) if len(rows) > 3 else ""

    def block(self, cap, want_table):
        k = self.r.random()
        if want_table and k < 0.25:
            return self.table(cap), True
        if k < 0.40:
            return self.statute_paragraph(cap), False
        if k < 0.58:
            return self.quote(cap), False
        if k < 0.72:
            return self.bullet_list(cap), False
        if k < 0.76:
            return self.steps_list(), False
        return self.commentary(cap), False

    def sections(self, body, headings, target, reserve, table_chance):
        """`## heading` + 1-3 blocks, until the body reaches `target` bytes."""
        r = self.r
        want_table = r.random() < table_chance
        headings = list(headings)
        while body.size + reserve < target:
            if body.room() - reserve < 250:
                return
            if headings:
                body.add("## " + headings.pop(0))
            elif r.random() < 0.3 and not body.blocks[-1].startswith("#"):
                body.add("### " + r.choice(LESSON_EXTRA))
            for _ in range(r.randint(1, 3)):
                room = min(body.room() - reserve, 700)
                if room < 150 or body.size + reserve >= target:
                    return
                block, was_table = self.block(room, want_table)
                if was_table and block:
                    want_table = False
                if block and nbytes(block) <= room:
                    body.add(block)


def link(page):
    return "[%s](%s)" % (md(page["title"]), page["url"])


def article_body(w, page, targets, target):
    r = w.r
    body = Body(BODY_HARD_MAX)
    opener = w.fill(r.choice(EDITORIAL))
    law, num = w.law, page["cite"]
    paras = law.by_number[num][1]
    body.add("%s%s对此作出了规定：%s" % (md(opener), w.cite(law, num), md(clip(paras[0], 420))))
    tail = ["## " + r.choice(["相关阅读", "延伸阅读", "推荐阅读"]),
            "\n".join("- " + link(t) for t in targets)]
    reserve = sum(nbytes(t) + 2 for t in tail)
    w.sections(body, r.sample(ARTICLE_HEADINGS, r.randint(2, 4)), target, reserve, 0.2)
    w.unknown_mentions(body)
    for t in tail:
        body.add(t)
    return body


def event_body(w, page, targets, target):
    r = w.r
    body = Body(BODY_HARD_MAX)
    start, end = page["start"], page["end"]
    body.add("为深入宣传%s，引导群众办事依法、遇事找法，%s定于%s在%s举办%s，欢迎广大群众踊跃参加。"
             % (w.cite(w.law, page["cite"]), page["org"], cn_time(start), md(page["location"]),
                page["activity"]))
    body.add("## 活动安排")
    body.add("\n".join(["- 时间：%s至%s" % (cn_time(start), cn_time(end)),
                        "- 地点：%s" % md(page["location"]),
                        "- 主办：%s" % page["org"],
                        "- 对象：%s" % r.choice(AUDIENCES)]))
    if r.random() < 0.25:
        rows = ["| 时段 | 内容 | 负责单位 |", "| --- | --- | --- |"]
        slot = start
        for _ in range(r.randint(3, 4)):
            law = w.c.pick_law(r)
            rows.append("| %02d:%02d | %s专题：%s | %s |" % (slot.hour, slot.minute, law.name,
                                                         r.choice(law.topics), r.choice(ORGS)))
            slot += datetime.timedelta(minutes=30)
        body.add("\n".join(rows))
    tail = ["往期活动回顾：" + "、".join(link(t) for t in targets) + "。"]
    reserve = nbytes(tail[0]) + 2
    w.sections(body, r.sample(EVENT_HEADINGS, r.randint(2, 4)), target, reserve, 0.0)
    w.unknown_mentions(body)
    for t in tail:
        body.add(t)
    return body


def lesson_body(w, page, targets, target):
    r = w.r
    body = Body(BODY_HARD_MAX)
    body.add("本课是“%s”系列的第%s课，围绕%s中关于“%s”的规定展开，建议用时二十分钟。"
             % (page["series_name"], int_to_cn(page["order"]), "《%s》" % w.law.name, page["topic"]))
    body.add("## 法条原文")
    for law, num, paras in page["cited"]:
        body.add(w.quote(420, law, num, paras))
    body.add("## 条文解读")
    nav = []
    if page["prev"]:
        nav.append("上一课：" + link(page["prev"]))
    if page["next"]:
        nav.append("下一课：" + link(page["next"]))
    nav += ["相关内容：" + link(t) for t in targets]
    exercises = "\n".join("%d. %s" % (i + 1, q) for i, q in enumerate(r.sample(EXERCISES, 3)))
    tail = ["## 课后练习", exercises, "## 继续学习", "\n".join("- " + n for n in nav)]
    reserve = sum(nbytes(t) + 2 for t in tail)
    w.sections(body, [], target, reserve, 0.2)
    w.unknown_mentions(body)
    for t in tail:
        body.add(t)
    return body


# --------------------------------------------------------------------------- the corpus


class Corpus:
    def __init__(self, laws, unknown_share):
        self.laws = laws
        self.by_name = {l.name: l for l in laws}
        weights = [len(l.articles) ** 0.5 for l in laws]
        self.cum = []
        acc = 0.0
        for wgt in weights:
            acc += wgt
            self.cum.append(acc)
        self.unknown = [u for u in UNKNOWN_LAWS if u[0] not in self.by_name]
        self.unknown_share = unknown_share

    def pick_law(self, r):
        return r.choices(self.laws, cum_weights=self.cum)[0]


def random_date(r, first=FIRST_DATE, last=LAST_DATE):
    return first + datetime.timedelta(days=r.randrange((last - first).days + 1))


def plan_pages(corpus, n_pages, seed):
    """Pass 1: every page's identity and front-matter facts (bodies link to any page)."""
    r = random.Random("plan/%d" % seed)
    n_events = max(1, (n_pages * 15 + 50) // 100)
    n_lessons = max(1, (n_pages * 25 + 50) // 100)
    n_articles = n_pages - n_events - n_lessons
    pages = []
    for i in range(1, n_articles + 1):
        law = corpus.pick_law(r)
        num, _, topic = r.choice(law.articles)
        d = random_date(r)
        title = r.choice(ARTICLE_TITLES).format(
            law="《%s》" % law.name, topic=topic, village=r.choice(VILLAGES),
            case=r.choice(CASE_KINDS), question=r.choice(QUESTIONS), org=r.choice(ORGS),
            activity=r.choice(ACTIVITIES), num=num, tag=r.choice(TAGS), month=d.month)
        pages.append({"kind": "article", "id": "a%05d" % i, "path": "articles/a%05d.md" % i,
                      "url": "/articles/a%05d/" % i, "title": title, "date": d, "law": law, "cite": num})
    for i in range(1, n_events + 1):
        law = corpus.pick_law(r)
        num = r.choice(law.articles)[0]
        if r.random() < 0.12:  # announced lately, some start after LAST_DATE
            d = random_date(r, LAST_DATE - datetime.timedelta(days=45), LAST_DATE)
        else:
            d = random_date(r, FIRST_DATE, LAST_DATE - datetime.timedelta(days=30))
        start = datetime.datetime(d.year, d.month, d.day) + datetime.timedelta(
            days=r.randint(2, 40), hours=r.choice([8, 9, 9, 10, 14, 14, 15, 19]), minutes=r.choice([0, 0, 30]))
        if r.random() < 0.2:
            end = datetime.datetime(start.year, start.month, start.day, 17, 0) + \
                datetime.timedelta(days=r.randint(1, 2))
        else:
            end = start + datetime.timedelta(hours=r.choice([1, 1.5, 2, 3]))
        village = r.choice(VILLAGES)
        venue = r.choice(VENUES)
        location = venue if r.random() < 0.65 else village + "村民活动室"
        if village.endswith("社区") and location == village + "村民活动室":
            location = village + "居民活动室"
        activity = r.choice(ACTIVITIES)
        org = r.choice(ORGS)
        title = r.choice(EVENT_TITLES).format(org=org, venue=location, activity=activity, village=village)
        pages.append({"kind": "event", "id": "e%05d" % i, "path": "events/e%05d.md" % i,
                      "url": "/events/e%05d/" % i, "title": title, "date": d, "law": law, "cite": num,
                      "start": start, "end": end, "location": location, "activity": activity, "org": org})
    n_series = max(1, min(len(SERIES), -(-n_lessons // 10)))
    series_pages = [[] for _ in range(n_series)]
    series_laws = []
    for folder, name, wanted in SERIES[:n_series]:
        series_laws.append([corpus.by_name[w] for w in wanted if w in corpus.by_name] or corpus.laws)
    for i in range(1, n_lessons + 1):
        s = i - 1 if i <= n_series else r.choices(range(n_series), weights=SERIES_WEIGHTS[:n_series])[0]
        folder, name, _ = SERIES[s]
        order = len(series_pages[s]) + 1
        law = r.choice(series_laws[s])
        k = min(len(law.articles), r.randint(1, 3))
        first = r.randrange(len(law.articles) - k + 1)
        picked = law.articles[first:first + k]  # neighbouring articles, usually one chapter
        topic = picked[0][2]
        page = {"kind": "lesson", "id": "l%05d" % i, "path": "lessons/%s/l%05d.md" % (folder, i),
                "url": "/lessons/%s/l%05d/" % (folder, i), "title": "第%s课　%s" % (int_to_cn(order), topic),
                "law": law, "topic": topic, "series": folder, "series_name": name, "order": order,
                "cited": [(law, num, paras) for num, paras, _ in picked]}
        series_pages[s].append(page)
        pages.append(page)
    for sp in series_pages:
        span = (LAST_DATE - datetime.date(2021, 3, 1)).days
        step = max(1, min(7, span // max(1, len(sp))))
        first = LAST_DATE - datetime.timedelta(days=step * (len(sp) - 1) + r.randrange(60))
        for k, p in enumerate(sp):
            p["date"] = max(FIRST_DATE, first + datetime.timedelta(days=step * k))
            p["prev"] = sp[k - 1] if k else None
            p["next"] = sp[k + 1] if k + 1 < len(sp) else None
    for k, p in enumerate(pages):
        p["index"] = k
    counts = {"articles": n_articles, "events": n_events, "lessons": n_lessons}
    series = [{"folder": SERIES[s][0], "name": SERIES[s][1], "lessons": len(series_pages[s])}
              for s in range(n_series)]
    return pages, counts, series


def page_tags(r, law):
    own = [t for t in LAW_TAGS.get(law.name, []) if t in TAGS]
    n = r.randint(2, 4)
    tags = [r.choice(own)] if own else []
    while len(tags) < n:
        t = r.choice(TAGS)
        if t not in tags:
            tags.append(t)
    return tags


def render_page(corpus, pages, index, seed):
    p = pages[index]
    r = random.Random("page/%d/%s" % (seed, p["id"]))
    w = PageWriter(corpus, r, p["law"])
    exclude = {index}
    n_links = r.randint(1, 3)
    if p["kind"] == "lesson":  # the previous and next lessons are linked anyway
        nav = [x for x in (p["prev"], p["next"]) if x is not None]
        exclude.update(x["index"] for x in nav)
        n_links = max(0, n_links - len(nav))
    targets = []
    while len(targets) < min(n_links, len(pages) - 1):
        j = r.randrange(len(pages))
        if j not in exclude:
            exclude.add(j)
            targets.append(pages[j])
    target = r.randint(BODY_MIN, BODY_MAX)
    tags = page_tags(r, p["law"])
    fm = ["---", "title: " + yq(p["title"]), "date: " + p["date"].isoformat(), "tags: " + ylist(tags)]
    if p["kind"] == "article":
        body = article_body(w, p, targets, target)
        summary = "%s结合%s的有关规定，介绍“%s”方面的常见问题和办理途径。" % (
            r.choice(ORGS), "《%s》" % p["law"].name, p["law"].by_number[p["cite"]][2])
        fm.append("summary: " + yq(summary))
    elif p["kind"] == "event":
        body = event_body(w, p, targets, target)
        fm.append("summary: " + yq("%s，%s，%s。" % (cn_time(p["start"]), p["location"], p["activity"])))
        fm += ["start: " + iso(p["start"]), "end: " + iso(p["end"]), "location: " + yq(p["location"])]
    else:
        body = lesson_body(w, p, targets, target)
        cites = ["《%s》%s" % (law.name, num) for law, num, _ in p["cited"]]
        fm.append("summary: " + yq("%s第%s课，学习%s。" % (p["series_name"], int_to_cn(p["order"]), "、".join(cites))))
        fm += ["series: " + yq(p["series_name"]), "order: %d" % p["order"], "laws: " + ylist(cites)]
    fm.append("---")
    text = body.text()
    links = len(targets) + (p.get("prev") is not None) + (p.get("next") is not None)
    return "\n".join(fm) + "\n\n" + text, nbytes(text), w.citations, w.unknown, links


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a deterministic synthetic pufa site for benchmarks.")
    ap.add_argument("--pages", type=int, required=True, help="number of pages (at least 3)")
    ap.add_argument("--out", required=True, help="site folder; content/ and corpus.json are written in it")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--laws", default=DEFAULT_LAWS_DIR,
                    help="folder of statute Markdown files (default: content/laws of this repository)")
    ap.add_argument("--force", action="store_true", help="replace an existing OUT/content")
    a = ap.parse_args(argv)
    if a.pages < 3:
        ap.error("--pages must be at least 3")
    if not os.path.isdir(a.laws):
        ap.error("statute folder not found: %s" % a.laws)

    laws, fingerprint, duplicates = load_laws(a.laws)
    if not laws:
        sys.exit("gen_corpus.py: no statute articles found in %s" % a.laws)
    corpus = Corpus(laws, UNKNOWN_LAW_SHARE)

    content = os.path.join(a.out, "content")
    if os.path.lexists(content):
        if not a.force:
            sys.exit("gen_corpus.py: %s already exists; pass --force to replace it" % content)
        if os.path.isdir(content) and not os.path.islink(content):
            shutil.rmtree(content)
        else:
            os.remove(content)

    pages, counts, series = plan_pages(corpus, a.pages, a.seed)
    made = set()
    total_bytes = 0
    body_sizes = []
    citations = unknown = links = 0
    for i, p in enumerate(pages):
        text, body_bytes, n_cite, n_unknown, n_links = render_page(corpus, pages, i, a.seed)
        data = text.encode("utf-8")
        path = os.path.join(content, *p["path"].split("/"))
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)  # fewer syscalls than open()
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        total_bytes += len(data)
        body_sizes.append(body_bytes)
        citations += n_cite
        unknown += n_unknown
        links += n_links

    body_sizes.sort()
    manifest = {
        "generator": GENERATOR,
        "version": VERSION,
        "seed": a.seed,
        "pages": len(pages),
        "counts": counts,
        "series": series,
        "files": len(pages),
        "total_bytes": total_bytes,
        "body_bytes": {"min": body_sizes[0], "median": body_sizes[len(body_sizes) // 2],
                       "max": body_sizes[-1]},
        "links": links,
        "citations": {"total": citations, "unknown_law": unknown},
        "laws": [{"name": l.name, "articles": len(l.articles), "files": l.files} for l in laws],
        "laws_sha256": fingerprint,
    }
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "corpus.json"), "w", encoding="utf-8", newline="\n") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    if duplicates:
        print("gen_corpus.py: warning: %d duplicate article numbers in the statute files were ignored"
              % duplicates, file=sys.stderr)
    print("gen_corpus.py: %d pages (%d articles, %d events, %d lessons in %d series), %.1f MiB, "
          "%d citations (%d of unknown laws), %d links -> %s"
          % (len(pages), counts["articles"], counts["events"], counts["lessons"], len(series),
             total_bytes / 2 ** 20, citations, unknown, links, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
