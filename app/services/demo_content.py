"""Demo data: subjects with realistic weights, and the texts — 诉求 templates, replies, reasons.

Templates use ``str.format`` slots filled by :func:`fill`: {village} {group} {year} {year2}
{amount} {amount2} {wage} {area} {company} {months} {workers} {households} {official} {neighbor}
{township} {county}. A template is (topic, content); the matter's title is built from the topic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from app.domain.enums import LegalChannel, MatterType, ReplyResult, SkipLevel

C, S, A = MatterType.CLAIM, MatterType.SUGGESTION, MatterType.ACCUSATION


@dataclass(frozen=True)
class SubjectSpec:
    code: str
    weight: float
    templates: tuple[tuple[str, str], ...]
    types: tuple[tuple[MatterType, float], ...] = ((C, 1.0),)
    collective: float = 0.015  # share of visits on this subject that are collective
    route_legal: float = 0.02  # share routed to a legal channel
    season: tuple[int, ...] = ()  # months with more contacts on this subject
    long_term: bool = False  # typical of 信访老户


@dataclass(frozen=True)
class Outcome:
    unit: str  # responsible unit (default names of offices.DEFAULT_RESPONSIBLE_UNITS)
    forward_to: str  # county body, after the county name
    legal: tuple[LegalChannel, str] = (LegalChannel.LITIGATION, "人民法院")


_T = tuple[tuple[str, str], ...]

SUBJECTS: tuple[SubjectSpec, ...] = (
    SubjectSpec("0101", 10, (
        ("{village}{group}征地补偿款未足额发放", "{year}年{village}{group}土地被征收用于工业园区建设，信访人家被征{area}，按协议应得补偿款{amount}，至今只领到一部分，余款村里一直以资金未到位为由拖延。"),
        ("{village}拆迁安置补偿标准偏低", "信访人家位于{village}{group}的房屋因道路拓宽于{year}年被列入拆迁范围，评估价格明显低于周边同类房屋，补偿标准与同期拆迁的邻村不一致，差额约{amount}。信访人多次找拆迁指挥部协商未果。"),
        ("{village}征地后失地农民社保未落实", "{year}年{village}{group}集体土地被征收，按政策被征地农民应纳入社会保障，但信访人等{households}户至今未办理，也没有人说明原因。"),
    ), collective=0.12, season=(3, 4, 11), long_term=True),
    SubjectSpec("0102", 4, (
        ("{village}拆迁户过渡费停发", "信访人系{village}拆迁户，房屋于{year}年拆除，按协议安置房应在两年内交付，现已逾期，近一年来过渡费也被停发，一家五口租房居住，生活困难。"),
        ("安置房分配不公", "信访人反映{village}安置小区分房时，部分村干部亲属多分、优先选房，信访人家按人口应分两套只分到一套，要求重新核定。"),
    ), collective=0.08, long_term=True),
    SubjectSpec("0103", 1.5, (
        ("{company}开发楼盘逾期交房", "信访人于{year}年购买{company}开发的商品房，合同约定两年内交房，现工程停工已{months}个月，购房款{amount}已全部付清，涉及业主约{households}户。"),
    ), collective=0.25),
    SubjectSpec("0104", 1.5, (
        ("小区物业服务不到位", "信访人反映所住{village}安置小区物业公司收费后不履行服务，电梯经常停运、垃圾清运不及时，业主多次投诉无人处理。"),
    ), types=((C, 0.6), (S, 0.4))),
    SubjectSpec("0105", 1, (
        ("申请公租房未获批准", "信访人系{village}居民，家庭人均收入低于标准，{year}年申请公共租赁住房，至今未获答复，要求说明原因。"),
    )),
    SubjectSpec("0106", 1, (
        ("对拆除违建处理不服", "信访人在{village}{group}自家宅基地上搭建的附属用房于{year}年被认定为违法建筑并拆除，信访人认为该房屋建于{year2}年以前，不应拆除，要求赔偿损失{amount}。"),
    )),
    SubjectSpec("0107", 1.5, (
        ("{village}建房审批迟迟不办", "信访人在{village}{group}申请翻建危旧住房，材料已于{year}年报到镇里，至今未审批，房屋已出现裂缝，存在安全隐患。"),
    )),
    SubjectSpec("0108", 1, (
        ("{village}路灯损坏无人维修", "信访人反映{village}主干道路灯自{year}年损坏后一直无人维修，夜间出行不便，已发生过两次交通事故，建议尽快修复。"),
    ), types=((S, 0.7), (C, 0.3))),
    SubjectSpec("0201", 10, (
        ("{company}拖欠农民工工资", "信访人等{workers}人在{company}承建的工地务工，{company}拖欠工资共计{amount}，包工头已联系不上，信访人多次讨要无果，临近年关生活困难。"),
        ("务工工资被拖欠", "信访人于{year}年在{company}打工{months}个月，老板以工程款未结算为由拖欠工资{wage}，至今未付，信访人持有工资条和考勤记录。"),
        ("{village}村级工程拖欠工钱", "信访人参与{village}{year}年道路硬化工程施工，村里至今拖欠工钱{amount}，村干部称资金未拨付，要求镇里督促解决。"),
    ), collective=0.15, season=(12, 1, 2), long_term=True),
    SubjectSpec("0202", 3, (
        ("社会保险缴费年限认定有误", "信访人反映其在{company}工作期间单位未足额缴纳社会保险，少缴{months}个月，导致退休时缴费年限不足，要求补缴。"),
    )),
    SubjectSpec("0203", 2, (
        ("被{company}无故辞退", "信访人在{company}工作{months}个月，未签订劳动合同，于{year}年被无故辞退，要求支付经济补偿金{amount}。"),
    ), route_legal=0.25),
    SubjectSpec("0204", 3, (
        ("养老待遇核定有误", "信访人系原{company}职工，{year}年退休，认为养老金核定时工龄计算有误，每月少领约{amount2}元，要求重新核定。"),
        ("被征地农民养老补贴未发放", "信访人系{village}被征地农民，已满60周岁，按政策应享受养老补贴，自{year}年起一直未发放。"),
    ), long_term=True),
    SubjectSpec("0205", 1.5, (
        ("工伤待遇未落实", "信访人于{year}年在{company}上班时受伤，已认定为工伤九级，单位至今未支付一次性伤残补助金{amount}。"),
    ), route_legal=0.2),
    SubjectSpec("0206", 0.8, (
        ("建议增加技能培训", "信访人建议镇里针对返乡农民工多开展电焊、家政等技能培训，并帮助对接{company}等本地企业用工岗位。"),
    ), types=((S, 0.8), (C, 0.2))),
    SubjectSpec("0301", 9, (
        ("{village}{group}承包地被他人占用", "信访人在{village}{group}的{area}承包地于{year}年被同组村民{neighbor}占种，信访人持有{year2}年颁发的土地承包经营权证，多次找村组调解无果。"),
        ("土地确权面积与实际不符", "{village}土地承包经营权确权登记时，信访人家承包地面积登记为{area}，比实际少，村里拒绝更正，影响流转收益。"),
        ("{village}土地流转费未兑付", "信访人所在{village}{group}土地于{year}年流转给{company}，约定每亩每年租金{amount2}元，该公司已拖欠两年租金，涉及{households}户村民。"),
    ), collective=0.06, season=(3, 4, 10), long_term=True),
    SubjectSpec("0302", 9, (
        ("{village}宅基地纠纷", "信访人与邻居{neighbor}因{village}{group}宅基地界址发生纠纷，对方建房时占用信访人宅基地约30平方米，村里调解两次未果。"),
        ("宅基地申请未获审批", "信访人一家在{village}无房居住，于{year}年申请宅基地，材料齐全，至今未获审批，而同组其他村民已获批建房。"),
        ("{village}宅基地被收回", "信访人在{village}{group}的老宅基地于{year}年被村里收回另行安排他人，信访人认为未经本人同意，也未给予任何补偿。"),
    ), long_term=True),
    SubjectSpec("0303", 4, (
        ("{village}集体资产处置不公开", "信访人反映{village}于{year}年将村集体厂房出租给{company}，租金收入{amount}去向不明，村务公开栏从未公布，要求审计村集体账目。"),
        ("{village}集体收益分配不公", "{village}{year}年集体土地补偿款分配时，外嫁女及其子女未能参与分配，涉及{households}户，信访人认为侵犯其合法权益。"),
    ), types=((C, 0.6), (A, 0.4)), collective=0.1),
    SubjectSpec("0304", 2, (
        ("耕地地力补贴未发放", "信访人在{village}{group}承包{area}耕地，{year}年度耕地地力保护补贴至今未到账，询问村里说名单有误。"),
    )),
    SubjectSpec("0305", 3, (
        ("{village}村务不公开", "信访人反映{village}村务公开栏长期不更新，{year}年村级财务收支、项目招标情况均未公开，村民无从监督。"),
        ("对{village}换届选举有异议", "信访人反映{village}{year}年村委会换届选举中存在代写选票、流动票箱管理不规范等问题，要求调查。"),
    ), types=((C, 0.5), (S, 0.3), (A, 0.2))),
    SubjectSpec("0306", 3, (
        ("{village}{group}道路破损", "{village}{group}通组道路于{year}年修建，现路面破损严重，雨天泥泞，学生上学和农产品外运都很困难，建议纳入今年道路维修计划。"),
        ("{village}饮水问题", "信访人反映{village}{group}自来水管网老化，夏季经常停水，水质发黄，建议尽快改造。"),
    ), types=((S, 0.6), (C, 0.4)), collective=0.06),
    SubjectSpec("0307", 1, (
        ("库区移民后期扶持资金未到位", "信访人系{village}水库移民，反映{year}年以来移民后期扶持资金发放不足，每人每年少发{amount2}元。"),
    ), collective=0.2, long_term=True),
    SubjectSpec("0401", 6, (
        ("{village}土地征收补偿标准过低", "{year}年{village}{group}集体土地被征收用于高速公路建设，信访人认为青苗和地上附着物补偿标准过低，少补约{amount}，要求按新标准补偿。"),
        ("征收补偿款被截留", "信访人反映{village}征地补偿款由村组统一领取后，至今仍有{amount}未分配到户，要求公开账目并发放。"),
    ), collective=0.1, long_term=True),
    SubjectSpec("0402", 5, (
        ("与邻组土地权属纠纷", "信访人所在{village}{group}与邻组因一块约{area}的山林地权属发生争议已久，{year}年以来多次发生冲突，请求依法确权。"),
        ("{village}土地界址争议", "信访人与{neighbor}就{village}{group}一处{area}的土地归属发生争议，双方各持证据，村组调解不成。"),
    ), route_legal=0.15, long_term=True),
    SubjectSpec("0403", 2, (
        ("{company}违法占用耕地", "信访人举报{company}未经批准在{village}{group}占用耕地约{area}建厂房，已施工{months}个月，无人制止。"),
    ), types=((A, 0.5), (C, 0.5))),
    SubjectSpec("0404", 1, (
        ("林权证登记有误", "信访人家在{village}的{area}自留山，{year}年林改时被登记到他人名下，要求更正林权登记。"),
    )),
    SubjectSpec("0405", 0.6, (
        ("非法采砂影响生产", "信访人反映{village}附近河道有人夜间非法采砂，造成河岸坍塌，威胁农田安全。"),
    ), types=((A, 0.6), (C, 0.4))),
    SubjectSpec("0501", 2, (
        ("对民事判决不服", "信访人与{neighbor}借贷纠纷一案经法院于{year}年判决，信访人认为判决认定事实错误，要求重新审理。"),
    ), route_legal=0.6, long_term=True),
    SubjectSpec("0502", 0.8, (
        ("被人殴打报案后无进展", "信访人于{year}年在{village}被{neighbor}殴打致轻伤，已向派出所报案，至今未立案处理。"),
    ), route_legal=0.6),
    SubjectSpec("0503", 2, (
        ("胜诉判决执行不到位", "信访人与{company}买卖合同纠纷一案于{year}年胜诉，判决对方支付{amount}，申请执行后至今未执行到位。"),
    ), route_legal=0.55, long_term=True),
    SubjectSpec("0504", 0.8, (
        ("对派出所处理不服", "信访人反映{year}年与邻居发生纠纷，派出所处理时偏袒对方，对信访人作出罚款决定，信访人不服。"),
    ), route_legal=0.5),
    SubjectSpec("0505", 0.5, (
        ("法律援助申请未获批准", "信访人经济困难，申请法律援助被拒，要求司法所说明理由。"),
    )),
    SubjectSpec("0601", 1.5, (
        ("医疗纠纷赔偿", "信访人家属于{year}年在镇卫生院就诊后病情加重，信访人认为存在误诊，要求赔偿医疗费等损失{amount}。"),
    ), route_legal=0.15),
    SubjectSpec("0602", 1.5, (
        ("医保报销比例有疑问", "信访人{year}年住院花费{amount}，新农合（城乡居民医保）报销比例低于其了解的标准，要求核查。"),
    )),
    SubjectSpec("0603", 0.5, (
        ("计生特扶金未发放", "信访人系独生子女伤残家庭，符合计划生育特别扶助条件，{year}年申请后至今未发放扶助金。"),
    ), long_term=True),
    SubjectSpec("0701", 1, (
        ("学校周边交通安全隐患", "信访人反映{township}中心小学门口无减速带和人行横道，上下学时段车辆多，建议设置交通设施并安排护学。"),
    ), types=((S, 0.8), (C, 0.2))),
    SubjectSpec("0702", 0.5, (
        ("代课教师待遇问题", "信访人于{year2}年至{year}年在{village}小学任代课教师，要求落实代课教师生活补助。"),
    ), long_term=True),
    SubjectSpec("0703", 1, (
        ("子女入学问题", "信访人系外来务工人员，在{village}居住多年，子女就近入学申请未获安排，要求协调解决。"),
    )),
    SubjectSpec("0801", 4, (
        ("低保被取消", "信访人一家在{village}居住，本人患病丧失劳动能力，{year}年低保被取消，村里未说明理由，生活困难，要求恢复。"),
        ("{village}低保评定不公", "信访人反映{village}部分有车有房的家庭享受低保，而真正困难的家庭评不上，要求重新评议并公示。"),
    ), types=((C, 0.8), (A, 0.2))),
    SubjectSpec("0802", 1.5, (
        ("退役军人优待未落实", "信访人系退役士兵，反映其退役后的优抚金和医疗保障待遇一直未落实，多次向村里和镇里申请无果。"),
    ), long_term=True),
    SubjectSpec("0803", 0.7, (
        ("公墓收费过高", "信访人反映{township}公墓墓穴价格过高，且收取名目繁多的管理费，建议规范收费。"),
    ), types=((S, 0.6), (C, 0.4))),
    SubjectSpec("0804", 0.7, (
        ("申请入住敬老院", "信访人系{village}孤寡老人，年逾七十，生活不能完全自理，申请入住镇敬老院。"),
    )),
    SubjectSpec("0901", 2, (
        ("{company}废气扰民", "信访人反映位于{village}的{company}夜间排放刺鼻废气，周边{households}户村民深受其害，要求停产整改。"),
    ), types=((C, 0.5), (A, 0.3), (S, 0.2)), collective=0.08),
    SubjectSpec("0902", 2, (
        ("{company}排污污染河道", "信访人反映{company}将生产废水直排入{village}河道，河水发黑发臭，鱼塘死鱼，损失约{amount}。"),
    ), types=((C, 0.6), (A, 0.4)), collective=0.1),
    SubjectSpec("0903", 1.5, (
        ("夜间施工噪声扰民", "信访人反映{village}附近工地夜间施工，噪声持续到凌晨，严重影响休息，多次劝阻无效。"),
    )),
    SubjectSpec("0904", 1, (
        ("{village}垃圾堆放点污染", "{village}{group}路边垃圾堆放点长期无人清运，蚊蝇滋生，建议设置垃圾收集房并定期清运。"),
    ), types=((S, 0.6), (C, 0.4))),
    SubjectSpec("1001", 1.5, (
        ("建议修建{village}通村公路", "信访人建议将{village}至镇区的通村公路拓宽改造，现有路面仅3.5米，会车困难，事故多发。"),
    ), types=((S, 0.7), (C, 0.3))),
    SubjectSpec("1002", 0.6, (
        ("农村客运班次减少", "信访人反映{village}至县城的客运班车自{year}年起班次减少，老人和学生出行不便。"),
    ), types=((S, 0.6), (C, 0.4))),
    SubjectSpec("1101", 1.5, (
        ("干部工作作风问题", "信访人反映到镇里办事时，工作人员推诿扯皮，让其来回跑了{months}趟仍未办成，要求改进作风。"),
    ), types=((A, 0.5), (S, 0.3), (C, 0.2))),
    SubjectSpec("1102", 1, (
        ("举报村干部违纪问题", "信访人举报{village}村干部{official}在{year}年项目建设中收受施工方好处，并虚报工程量套取资金约{amount}。"),
    ), types=((A, 1.0),)),
    SubjectSpec("1103", 3, (
        ("{village}村干部优亲厚友", "信访人反映{village}村干部{official}在危房改造补助、低保评定中优亲厚友，将名额给了自家亲戚。"),
        ("{village}村干部侵占集体资金", "信访人举报{village}原村干部{official}任职期间侵占集体资金{amount}，{year}年审计后至今未处理。"),
    ), types=((A, 0.7), (C, 0.3)), long_term=True),
    SubjectSpec("1201", 0.5, (
        ("人事档案丢失", "信访人原系{company}职工，办理退休时发现人事档案丢失，无法认定工龄，要求协助查找或补建。"),
    )),
    SubjectSpec("1202", 0.5, (
        ("村干部误工补贴未发", "信访人曾任{village}{group}组长，{year2}年至{year}年误工补贴未发放，共计{amount}。"),
    )),
    SubjectSpec("1203", 0.4, (
        ("对党内处分不服", "信访人系{village}党员，对{year}年受到的党内警告处分不服，认为处理依据不足。"),
    ), route_legal=0.5),
    SubjectSpec("1301", 1, (
        ("{company}非法集资", "信访人反映{company}以高息为诱饵向{village}村民集资，信访人投入{amount}，现公司负责人失联。"),
    ), types=((A, 0.5), (C, 0.5)), collective=0.2),
    SubjectSpec("1302", 0.5, (
        ("企业改制职工安置遗留问题", "信访人系原{company}职工，{year2}年企业改制时身份置换补偿金未足额发放，要求补发。"),
    ), collective=0.1, long_term=True),
    SubjectSpec("1303", 1.2, (
        ("购买假冒农资受损", "信访人在{township}农资店购买的种子发芽率极低，导致{area}地减产，损失约{amount}，要求店主赔偿。"),
    )),
    SubjectSpec("1304", 0.5, (
        ("贷款被冒名", "信访人发现自己名下有一笔{amount}的贷款，本人从未申请，怀疑被冒名，要求查清。"),
    )),
    SubjectSpec("9901", 1.5, (
        ("邻里纠纷", "信访人与邻居{neighbor}因排水沟、滴水檐等问题多次发生争执，要求镇里出面调解。"),
        ("咨询政策", "信访人来询问{year}年农村危房改造补助政策，经工作人员解释后表示理解。"),
    ), types=((C, 0.7), (S, 0.3))),
)
SUBJECT_BY_CODE: dict[str, SubjectSpec] = {s.code: s for s in SUBJECTS}

OUTCOMES: dict[str, Outcome] = {
    "01": Outcome("城建办", "住房和城乡建设局"),
    "02": Outcome("劳动保障所", "人力资源和社会保障局", (LegalChannel.ARBITRATION, "劳动人事争议仲裁委员会")),
    "03": Outcome("农业农村办", "农业农村局", (LegalChannel.ARBITRATION, "农村土地承包仲裁委员会")),
    "04": Outcome("自然资源所", "自然资源和规划局", (LegalChannel.ADMIN_RULING, "人民政府（土地权属争议调处）")),
    "05": Outcome("司法所", "人民法院"),
    "06": Outcome("卫生院", "卫生健康局", (LegalChannel.LITIGATION, "人民法院")),
    "07": Outcome("社会事务办", "教育局"),
    "08": Outcome("社会事务办", "民政局"),
    "09": Outcome("综合执法队", "生态环境分局"),
    "10": Outcome("城建办", "交通运输局"),
    "11": Outcome("党政办公室", "纪委监委", (LegalChannel.PARTY_APPEAL, "纪委监委")),
    "12": Outcome("党政办公室", "委组织部", (LegalChannel.PARTY_APPEAL, "纪委监委")),
    "13": Outcome("综治中心", "市场监督管理局"),
    "99": Outcome("综治中心", "信访局"),
}
UNIT_OVERRIDES = {"0302": "自然资源所", "0504": "派出所", "0502": "派出所", "1304": "财政所",
                  "0801": "社会事务办", "0902": "综合执法队"}
LEGAL_OVERRIDES: dict[str, tuple[LegalChannel, str]] = {
    "0501": (LegalChannel.LITIGATION, "人民法院"),
    "0502": (LegalChannel.PROCURATORATE_POLICE, "公安局"),
    "0503": (LegalChannel.LITIGATION, "人民法院执行局"),
    "0504": (LegalChannel.ADMIN_REVIEW, "人民政府行政复议办公室"),
    "0505": (LegalChannel.ADMIN_REVIEW, "人民政府行政复议办公室"),
    "0601": (LegalChannel.OTHER, "医疗纠纷人民调解委员会"),
    "0402": (LegalChannel.ADMIN_RULING, "人民政府（土地权属争议调处）"),
}
FORWARD_OVERRIDES = {"0401": "自然资源和规划局", "0602": "医疗保障局", "0802": "退役军人事务局",
                     "0502": "公安局", "0504": "公安局", "1303": "市场监督管理局", "1304": "金融工作办公室"}

COMPANY_WORDS = ("宏达", "鑫源", "顺发", "恒泰", "华盛", "金鼎", "绿源", "永兴", "联诚", "天成", "瑞丰", "兴业")
COMPANY_KINDS = ("建筑劳务有限公司", "建材厂", "置业有限公司", "物流有限公司", "农业开发有限公司",
                 "服装厂", "石材加工厂", "食品有限公司", "化工有限公司", "建设工程有限公司")

BACKGROUND = (
    "信访人称曾多次向村委会反映，至今未得到解决。",
    "此前已向村里和镇里反映过多次，村里答复后一直没有下文。",
    "信访人家庭生活困难，来访时情绪较为激动。",
    "该问题涉及本组{households}户村民，群众意见较大。",
    "信访人提供了相关协议、收条等复印件。",
    "信访人表示如得不到解决将继续上访。",
)
REQUESTS: dict[MatterType, tuple[str, ...]] = {
    C: ("请求政府依法依规处理，维护其合法权益。", "要求尽快落实到位。", "恳请领导重视，尽快协调解决。",
        "要求给个明确说法。"),
    S: ("建议镇政府统筹安排，尽快解决。", "希望有关部门予以考虑。", "建议纳入年度民生实事项目。"),
    A: ("请求有关部门调查核实，依纪依法处理。", "要求查清事实，严肃处理。"),
}
# A repeat contact reads: opener + the matter's topic + "问题" + tail.
REPEAT_OPENERS = {
    "visit": "信访人再次来访，称其反映的", "letter": "信访人再次来信，称其反映的",
    "phone": "信访人来电询问办理进展，称其反映的", "online": "信访人通过网上信访平台再次反映，称其反映的",
    "fax": "信访人再次传真反映，称其反映的",
}
REPEAT_TAILS = (
    "问题至今未得到解决。", "问题仍未彻底解决，要求尽快落实。", "问题，对此前的答复不满意，要求重新处理。",
    "问题，村里和镇里相互推诿，要求给个说法。", "问题，希望领导亲自过问。",
)
THREAT_TAIL = "情绪激动，扬言如再不解决就去北京上访。"
SKIP_PLACES = {SkipLevel.COUNTY: "县信访局", SkipLevel.CITY: "市信访局", SkipLevel.PROVINCE: "省信访局",
               SkipLevel.BEIJING: "国家信访局"}
SKIP_WEIGHTS = ((SkipLevel.COUNTY, 50), (SkipLevel.CITY, 30), (SkipLevel.PROVINCE, 14),
                (SkipLevel.BEIJING, 6))
PURPOSES = {C: "求决", S: "建议", A: "举报"}

REPLIES: dict[ReplyResult, tuple[str, ...]] = {
    ReplyResult.SUPPORT: (
        "经调查核实，信访人反映的问题基本属实。已责成{unit}依规处理，相关事项已落实到位。",
        "经核实，信访人诉求合理，已协调有关方面于近期兑现，并向信访人当面说明。",
    ),
    ReplyResult.EXPLAIN: (
        "经调查，原处理符合相关政策规定，已向信访人详细解释政策依据，信访人表示理解。",
        "经核查，相关标准系按{year}年文件执行，已向信访人作出解释说明。",
    ),
    ReplyResult.NOT_SUPPORT: (
        "经调查核实，信访人诉求缺乏事实和政策依据，不予支持。如不服，可自收到本意见之日起30日内向{county}人民政府申请复查。",
    ),
    ReplyResult.MEDIATED: (
        "经镇人民调解委员会主持调解，双方自愿达成调解协议，信访人表示息诉。",
    ),
}
REPLY_WEIGHTS = {
    C: ((ReplyResult.SUPPORT, 40), (ReplyResult.EXPLAIN, 35), (ReplyResult.NOT_SUPPORT, 15),
        (ReplyResult.MEDIATED, 10)),
    S: ((ReplyResult.SUPPORT, 45), (ReplyResult.EXPLAIN, 50), (ReplyResult.NOT_SUPPORT, 5)),
    A: ((ReplyResult.SUPPORT, 30), (ReplyResult.EXPLAIN, 40), (ReplyResult.NOT_SUPPORT, 30)),
}
DECLINE_REASONS = (
    "该事项已由{county}有关部门受理并正在办理中，信访人在规定期限内以同一事实和理由再次提出，不予受理。",
    "信访人反映的事项已经复查复核程序终结，未提出新的事实和理由。",
    "信访人反映的事项不属于本机关职权范围，已告知其向有权处理的机关提出。",
)
EXTENSION_REASONS = (
    "案情复杂，需进一步调查核实并协调多个部门，经镇主要负责人批准延期办理。",
    "涉及历史遗留问题，需调取有关年份的档案资料，经批准延期办理。",
    "需等待第三方评估（鉴定）结果，经批准延期办理。",
)
REVIEW_OUTCOMES = ("原处理意见认定事实清楚，适用依据正确，予以维持。", "维持原处理意见。",
                   "部分支持信访人诉求，责成原处理机关重新核定。")
REREVIEW_OUTCOMES = ("维持复查意见。复核为终结，信访人以同一事实和理由提出的信访事项不再受理。",
                     "复查意见认定事实清楚，予以维持。")
REPORT_SUMMARIES = ("{to}已调查处理完毕并报送办结报告，信访人诉求已落实。",
                    "{to}报告：已组织双方协商，问题已化解。",
                    "{to}报告：经核查反映情况不属实，已向信访人解释。")
NEW_FACTS = ("信访人提供了此前未掌握的{year}年书面协议原件，提出新的事实和理由。",
             "信访人提交了新的证人证言和现场照片，反映的情况发生了新的变化。")
OBJECTION_REASON = "经核实，该事项属{county}人力资源和社会保障局职责范围，不属本镇职权，于5个工作日内提出异议退回。"
ASSIGNED_DOWN_CONTENT = ("上级交办：{topic}。请于期限内办结并报送办结报告。",)
LEADER_NOTE = "领导接访"
NO_NOTICE_REASON = "匿名来信，无法告知"


def money(rng: random.Random, low: int, high: int) -> str:
    value = rng.randint(low, high)
    if value >= 100_000:
        return f"{value / 10_000:.1f}万元"
    return f"{value // 100 * 100}元"


def draw_slots(rng: random.Random, *, village: str, other_village: str, on: date, township: str,
               county: str, surnames: tuple[str, ...]) -> dict[str, str]:
    year = on.year - rng.randint(1, 6)
    return {
        "village": village, "other_village": other_village, "group": f"{rng.randint(1, 12)}组",
        "year": str(year), "year2": str(year - rng.randint(1, 8)), "amount": money(rng, 6_000, 380_000),
        "wage": money(rng, 4_000, 60_000),
        "amount2": str(rng.choice((120, 180, 240, 300, 450, 600, 800))), "area": f"{rng.randint(3, 60) / 10:g}亩",
        "company": f"{township[:2] if len(township) > 2 else ''}{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_KINDS)}",
        "months": str(rng.randint(2, 14)), "workers": str(rng.randint(5, 48)),
        "households": str(rng.randint(6, 90)), "official": rng.choice(surnames) + "某",
        "neighbor": rng.choice(surnames) + "某某", "township": township, "county": county,
    }


def fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots)


def compose_content(rng: random.Random, template: str, mtype: MatterType, slots: dict[str, str]) -> str:
    """Several sentences: the facts, perhaps some background, and the request."""
    parts = [fill(template, slots)]
    if rng.random() < 0.55:
        parts.append(fill(rng.choice(BACKGROUND), slots))
    parts.append(rng.choice(REQUESTS[mtype]))
    return "".join(parts)


def title_for(topic: str, mtype: MatterType) -> str:
    verb = {C: "反映", S: "建议", A: "举报"}[mtype]
    if topic.startswith(("建议", "举报")):
        return topic
    return f"{verb}{topic}问题" if mtype is not S else f"{verb}解决{topic}问题"
