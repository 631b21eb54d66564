"""Word lists for the synthetic county: surnames, given-name characters, place-name syllables,
ethnic groups, skills. Weights are approximate; docs/synthetic-county.md gives their sources."""

from __future__ import annotations

# The most common Chinese surnames with approximate shares of the population in per cent
# (rounded from the Ministry of Public Security's 2020 national surname ranking; the tail is
# smoothed). Only relative weights matter: they are normalised before sampling.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.1),
    ("李", 7.0),
    ("张", 6.8),
    ("刘", 5.4),
    ("陈", 4.6),
    ("杨", 3.2),
    ("黄", 2.4),
    ("赵", 2.2),
    ("吴", 2.0),
    ("周", 2.0),
    ("徐", 1.6),
    ("孙", 1.5),
    ("马", 1.4),
    ("朱", 1.3),
    ("胡", 1.2),
    ("郭", 1.1),
    ("何", 1.1),
    ("林", 1.1),
    ("高", 1.1),
    ("罗", 1.0),
    ("郑", 0.96),
    ("梁", 0.93),
    ("谢", 0.83),
    ("宋", 0.78),
    ("唐", 0.77),
    ("许", 0.72),
    ("韩", 0.71),
    ("邓", 0.70),
    ("冯", 0.69),
    ("曹", 0.68),
    ("彭", 0.67),
    ("曾", 0.65),
    ("肖", 0.63),
    ("田", 0.62),
    ("董", 0.61),
    ("潘", 0.60),
    ("袁", 0.58),
    ("蔡", 0.57),
    ("蒋", 0.56),
    ("余", 0.55),
    ("于", 0.54),
    ("杜", 0.53),
    ("叶", 0.52),
    ("程", 0.51),
    ("魏", 0.50),
    ("苏", 0.49),
    ("吕", 0.48),
    ("丁", 0.47),
    ("任", 0.46),
    ("卢", 0.45),
    ("姚", 0.44),
    ("沈", 0.43),
    ("钟", 0.42),
    ("姜", 0.41),
    ("崔", 0.40),
    ("谭", 0.39),
    ("陆", 0.38),
    ("范", 0.37),
    ("汪", 0.36),
    ("廖", 0.35),
    ("石", 0.35),
    ("金", 0.34),
    ("韦", 0.33),
    ("贾", 0.33),
    ("夏", 0.32),
    ("付", 0.32),
    ("方", 0.31),
    ("邹", 0.30),
    ("熊", 0.30),
    ("白", 0.29),
    ("孟", 0.29),
    ("秦", 0.28),
    ("邱", 0.28),
    ("侯", 0.27),
    ("江", 0.27),
    ("尹", 0.26),
    ("薛", 0.26),
    ("闫", 0.25),
    ("段", 0.25),
    ("雷", 0.24),
    ("龙", 0.24),
    ("黎", 0.23),
    ("史", 0.23),
    ("陶", 0.22),
    ("贺", 0.22),
    ("毛", 0.21),
    ("郝", 0.21),
    ("顾", 0.20),
    ("龚", 0.20),
    ("邵", 0.19),
    ("万", 0.19),
    ("覃", 0.18),
    ("武", 0.18),
    ("钱", 0.17),
    ("戴", 0.17),
    ("严", 0.16),
    ("莫", 0.16),
    ("孔", 0.15),
    ("向", 0.15),
    ("常", 0.14),
    ("汤", 0.14),
    ("康", 0.13),
    ("易", 0.13),
    ("乔", 0.12),
    ("赖", 0.12),
    ("文", 0.12),
    ("施", 0.11),
    ("洪", 0.11),
    ("辛", 0.10),
    ("柳", 0.10),
    ("安", 0.10),
)

# Given-name characters by sex and generation: names of people born before 1985 sound
# different from those of their children and grandchildren.
MALE_OLD = "国建华明文军平志林永德成福贵富发才学昌顺祥荣云江山松庆光金兴贤宏忠仁义礼正清万春友开"
MALE_NEW = "伟强勇杰涛超斌辉鹏飞俊磊洋宇浩龙海波峰东亮晨轩睿泽博凯豪子天一家航铭鑫瑞琪乐恒毅"
FEMALE_OLD = "秀桂英兰梅琴红萍珍凤莲翠花华芬菊美玉群淑芳素巧春会琼月仙云彩香"
FEMALE_NEW = "芳娜敏静丽艳娟霞燕玲慧婷雪琳颖欣悦怡涵萱馨雨佳梦思诗琪月倩蕾璐瑶妍若晴可欢语"
# share of persons with a one-character given name, by generation (old, new)
SINGLE_CHAR_NAME = (0.22, 0.28)

# Place-name syllables in the style of north-east Yunnan (乌峰, 泼机, 芒部, 雨河, 坡头, 罗坎...).
PLACE_FIRST = (
    "大小新中上下高黄白青石龙马花松杉木田林河罗坪牛羊鱼芒雨碗泼以果母赤鸡盐黑兴安长永五双三乌南塘场尖鲁"
)
PLACE_SECOND = "坪坝河山沟营场湾屯寨坡岩塘关溪林桥井堡坎街田乐水口箐槽垭冲峰台机部源洞房厂"

# Ethnic groups of a county in north-east Yunnan (assumption, see docs); names follow the
# national list of 56 groups shipped with cpca.
ETHNICITIES: tuple[tuple[str, float], ...] = (
    ("汉族", 0.925),
    ("苗族", 0.035),
    ("彝族", 0.035),
    ("回族", 0.003),
    ("白族", 0.001),
    ("布依族", 0.001),
)

# Skills and the certificate that usually goes with each ("" = none).
SKILLS: tuple[tuple[str, str], ...] = (
    ("电焊", "焊工证"),
    ("厨师", "中式烹调师证"),
    ("缝纫", ""),
    ("驾驶", "C1驾驶证"),
    ("泥瓦工", ""),
    ("木工", ""),
    ("电工", "电工证"),
    ("养殖", ""),
    ("种植", ""),
    ("家政", "家政服务员证"),
    ("美容美发", ""),
    ("钢筋工", ""),
    ("水电安装", ""),
    ("挖掘机操作", "挖掘机操作证"),
    ("育婴", "育婴员证"),
)
SKILL_SEPARATOR = "、"

MOBILE_PREFIXES = (
    130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 157, 158, 159, 177, 178, 180,
    181, 182, 183, 187, 188, 189, 198, 199,
)  # fmt: skip
# Bank identification numbers of debit cards common in rural Yunnan (农行, 农信, 邮储, 建行).
BANK_BINS = (622848, 621799, 623059, 621723, 622823, 621700)
