"""Demo data: people and places — names, ID numbers, phones, addresses, villages, demo staff.

Everything here is a pure function of a ``random.Random`` passed in, so the demo stays reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.enums import Role
from app.domain.identity import Gender, check_character

# Common surnames with weights roughly proportional to their share of the population (‰).
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 68), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22), ("赵", 20),
    ("吴", 19), ("周", 19), ("徐", 14), ("孙", 14), ("马", 13), ("朱", 12), ("胡", 12), ("郭", 11),
    ("何", 11), ("林", 10), ("高", 10), ("罗", 9), ("郑", 9), ("梁", 8), ("谢", 7), ("宋", 7),
    ("唐", 7), ("许", 6), ("韩", 6), ("冯", 6), ("邓", 6), ("曹", 6), ("彭", 5), ("曾", 5),
    ("肖", 5), ("田", 5), ("董", 5), ("袁", 5), ("潘", 4), ("于", 4), ("蒋", 4), ("蔡", 4),
    ("余", 4), ("杜", 4), ("叶", 4), ("程", 4), ("苏", 3.5), ("魏", 3.5), ("吕", 3.5), ("丁", 3.5),
    ("任", 3.3), ("沈", 3.2), ("姚", 3), ("卢", 3), ("姜", 2.9), ("崔", 2.8), ("钟", 2.8),
    ("谭", 2.7), ("陆", 2.6), ("汪", 2.6), ("范", 2.5), ("金", 2.5), ("石", 2.4), ("廖", 2.3),
    ("贾", 2.3), ("夏", 2.2), ("韦", 2.2), ("付", 2.1), ("方", 2.1), ("白", 2), ("邹", 2),
    ("孟", 2), ("熊", 1.9), ("秦", 1.9), ("邱", 1.9), ("江", 1.8), ("尹", 1.8), ("薛", 1.7),
    ("闫", 1.7), ("段", 1.7), ("雷", 1.6), ("侯", 1.6), ("龙", 1.6), ("史", 1.5), ("陶", 1.4),
    ("黎", 1.4), ("贺", 1.4), ("顾", 1.4), ("毛", 1.4), ("郝", 1.3), ("龚", 1.3), ("邵", 1.3),
    ("万", 1.2), ("钱", 1.2), ("严", 1.2), ("覃", 1.2), ("武", 1.2), ("戴", 1.2), ("莫", 1.1),
    ("孔", 1.1), ("向", 1.1), ("汤", 1.1), ("单", 0.5), ("欧阳", 0.5), ("上官", 0.1), ("司马", 0.1),
    ("诸葛", 0.1),
)

# Whole given names typical of the generations who petition most (born 1940s-1980s), and single
# characters to compose the rest from.
MALE_GIVEN = (
    "建国", "建华", "建军", "国强", "国平", "国庆", "志强", "志刚", "志明", "卫东", "卫国", "红军",
    "文明", "德明", "德胜", "永刚", "永强", "海波", "晓东", "春生", "福生", "有才", "金山", "长青",
    "树林", "保国", "振华", "立新", "学军", "忠良", "新民", "兴旺", "俊杰", "宏伟", "家豪", "子轩",
    "浩然", "宇航", "明辉", "世平",
)
FEMALE_GIVEN = (
    "秀英", "桂英", "秀兰", "玉兰", "桂兰", "淑珍", "凤英", "玉梅", "秀珍", "丽华", "秀芳", "美玲",
    "红梅", "春梅", "丽娟", "晓燕", "海燕", "雪梅", "翠花", "金凤", "小红", "素芬", "月娥", "兰英",
    "婷婷", "欣怡", "佳慧", "雨萱",
)
MALE_CHARS = "伟强军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林建国成海东志文春生福贵才德兴根荣金宝山忠云庆永祥彬磊峰亮洪家新学"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玲桂兰萍红燕梅琳婷雪慧莉琴凤洁颖倩佳月翠花珍美玉春秋菊华霞芬"
# Characters outside the everyday set (some beyond the BMP, e.g. 𠮷 U+20BB7): fonts, input and
# storage must all cope with them.
RARE_CHARS = ("堃", "喆", "淼", "燚", "赟", "犇", "玥", "彧", "旻", "䶮", "垚", "𠮷")

# Names written the way ID cards print transliterated names, with the middle dot, and their gender.
DOT_NAMES: tuple[tuple[str, Gender, str], ...] = (
    ("买买提·艾力", Gender.MALE, "维吾尔族"), ("阿依古丽·吐尔逊", Gender.FEMALE, "维吾尔族"),
    ("艾尔肯·吐尔洪", Gender.MALE, "维吾尔族"), ("古丽娜尔·买买提", Gender.FEMALE, "维吾尔族"),
    ("阿不都热合曼·艾则孜", Gender.MALE, "维吾尔族"), ("热依拉·阿不都拉", Gender.FEMALE, "维吾尔族"),
    ("努尔兰·哈力木", Gender.MALE, "哈萨克族"), ("古丽巴哈尔·沙吾提", Gender.FEMALE, "哈萨克族"),
)
# The first archives created carry these names, so even a small demo shows them.
FEATURED_NAMES: tuple[tuple[str, Gender, str], ...] = (
    ("王𠮷", Gender.FEMALE, "汉族"), ("𠮷祥", Gender.MALE, "汉族"),
    ("买买提·艾力", Gender.MALE, "维吾尔族"), ("阿依古丽·吐尔逊", Gender.FEMALE, "维吾尔族"),
)
MINORITIES = (("回族", 3), ("满族", 2), ("壮族", 2), ("土家族", 1), ("苗族", 1), ("蒙古族", 1))

VILLAGE_TARGET = 20
VILLAGE_NAMES = (
    "前进村", "新华村", "光明村", "和平村", "建设村", "胜利村", "向阳村", "长青村", "杨家庄村",
    "李家湾村", "石桥村", "河东村", "柳树村", "桃园村", "三合村", "五星村", "龙泉村", "青山村",
    "双塘村", "白沙村", "枫林村", "梅园社区", "文昌社区", "滨河社区", "城南社区", "锦绣社区",
)
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                   "152", "153", "155", "156", "157", "158", "159", "166", "177", "180", "181",
                   "182", "183", "186", "187", "188", "189", "191", "199")


@dataclass(frozen=True)
class DemoUser:
    login: str
    display_name: str
    role: Role


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("liuxiaoyan", "刘晓燕", Role.RECEPTIONIST),
    DemoUser("zhoujing", "周静", Role.RECEPTIONIST),
    DemoUser("sunwei", "孙伟", Role.RECEPTIONIST),
    DemoUser("chenjianhua", "陈建华", Role.HANDLER),
    DemoUser("yanglei", "杨磊", Role.HANDLER),
    DemoUser("huangmin", "黄敏", Role.HANDLER),
    DemoUser("zhaogang", "赵刚", Role.HANDLER),
    DemoUser("wangzhiqiang", "王志强", Role.LEADER),
    DemoUser("lijunfeng", "李俊峰", Role.LEADER),
    DemoUser("zhanghongmei", "张红梅", Role.LEADER),
    DemoUser("xuli", "徐丽", Role.ADMIN),
    DemoUser("xianjuchayue", "县信访局查阅", Role.COUNTY_READER),
)
DEMO_PASSWORD = "demo1234a"
# Village and township cadres who keep contact with key persons (稳控责任人).
FOLLOW_UP_OFFICERS = ("陈建华", "杨磊", "黄敏", "赵刚", "吴海军", "郑丽", "钱国栋", "何志远")


def weighted(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in table], [w for _, w in table])[0]


def given_name(rng: random.Random, gender: Gender) -> str:
    whole, chars = (MALE_GIVEN, MALE_CHARS) if gender is Gender.MALE else (FEMALE_GIVEN, FEMALE_CHARS)
    roll = rng.random()
    if roll < 0.012:  # about one in eighty names has a rare character
        return rng.choice(RARE_CHARS) + (rng.choice(chars) if rng.random() < 0.5 else "")
    if roll < 0.28:
        return rng.choice(chars)
    if roll < 0.62:
        return rng.choice(whole)
    first, second = rng.choice(chars), rng.choice(chars)
    return first + (second if second != first else rng.choice(chars))


@dataclass(frozen=True)
class DemoName:
    name: str
    gender: Gender
    ethnicity: str


def person_name(rng: random.Random) -> DemoName:
    gender = Gender.MALE if rng.random() < 0.56 else Gender.FEMALE  # petitioners: somewhat more men
    if rng.random() < 0.006:
        name, gender, ethnicity = rng.choice(DOT_NAMES)
        return DemoName(name, gender, ethnicity)
    ethnicity = "汉族" if rng.random() < 0.95 else weighted(rng, MINORITIES)
    return DemoName(weighted(rng, SURNAMES) + given_name(rng, gender), gender, ethnicity)


def birth_date(rng: random.Random, today: date) -> date:
    """Petitioners are mostly middle-aged or older: age 22-88, most around 55."""
    age = int(rng.triangular(22, 88, 57))
    return today - timedelta(days=age * 365 + rng.randrange(365))


def id_number_18(county: str, born: date, gender: Gender, rng: random.Random) -> str:
    seq = rng.randrange(0, 500) * 2 + (1 if gender is Gender.MALE else 0)  # odd = male
    body = f"{county}{born:%Y%m%d}{seq:03d}"
    return body + check_character(body)


def id_number_15(county: str, born: date, gender: Gender, rng: random.Random) -> tuple[str, str]:
    """An old 15-digit number and the 18-character form the program upgrades it to."""
    seq = rng.randrange(0, 500) * 2 + (1 if gender is Gender.MALE else 0)
    old = f"{county}{born:%y%m%d}{seq:03d}"
    body = f"{county}{born:%Y%m%d}{seq:03d}"
    return old, body + check_character(body)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


def landline(rng: random.Random) -> str:
    return f"{rng.randint(2, 8)}{rng.randrange(10 ** 6, 10 ** 7):07d}"


def phones(rng: random.Random, age: int | None) -> tuple[str, ...]:
    roll = rng.random()
    if roll < (0.15 if (age or 50) > 70 else 0.05):
        return ()
    numbers = [mobile(rng)]
    if rng.random() < 0.12:
        numbers.append(landline(rng) if rng.random() < 0.6 else mobile(rng))
    return tuple(numbers)


def address(rng: random.Random, village: str) -> str:
    if village.endswith("社区"):
        return f"{village}{rng.randint(1, 28)}幢{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
    return f"{village}{rng.randint(1, 12)}组{rng.randint(1, 96)}号"


def village_division_code(office_code: str, name: str, n: int) -> str:
    """12-digit 统计用区划代码: 0xx/1xx for 居委会 (社区), 2xx for 村委会."""
    local = (n + 1) if name.endswith("社区") else (200 + n + 1)
    return f"{office_code[:9]}{local:03d}"
