"""Built-in rubric templates for the ability sets in the seeds. Their names and descriptors are
Japanese data (what the programs use), not interface text: a tenant edits them as it likes.

- five_abilities: seed 001's five abilities (異文化受容性, 現状認識力, 俯瞰的思考力, 創造(想像)力,
  実践力), measured before and after an exchange or placement, four levels with descriptors;
- self_efficacy and grit: seed 003's non-cognitive skills, as 5-point Likert items (the grit
  scale has reverse-scored items, as the usual short grit scales do).
"""

from django.utils.translation import gettext_lazy as _

RUBRIC_LEVELS = [
    {"value": 1, "label": "1 萌芽"},
    {"value": 2, "label": "2 発展"},
    {"value": 3, "label": "3 到達"},
    {"value": 4, "label": "4 卓越"},
]

LIKERT_LEVELS = [
    {"value": 1, "label": "1 まったくあてはまらない"},
    {"value": 2, "label": "2 あまりあてはまらない"},
    {"value": 3, "label": "3 どちらともいえない"},
    {"value": 4, "label": "4 ややあてはまる"},
    {"value": 5, "label": "5 とてもあてはまる"},
]


def _criterion(key, name, descriptors, *, weight=1, group=""):
    return {
        "key": key,
        "name": name,
        "weight": weight,
        "group": group,
        "reverse": False,
        "descriptors": {str(n): text for n, text in enumerate(descriptors, 1)},
    }


def _item(key, text, group, *, reverse=False):
    return {"key": key, "name": text, "weight": 1, "group": group, "reverse": reverse, "descriptors": {}}


FIVE_ABILITIES = [
    _criterion(
        "intercultural",
        "異文化受容性",
        [
            "自分と異なる文化や価値観があることを知っている。",
            "異なる文化や価値観に関心を持ち、その背景を知ろうとする。",
            "異なる文化や価値観を尊重し、相手の立場に立って行動できる。",
            "異なる文化の人々と信頼関係を築き、協働の成果を生み出せる。",
        ],
    ),
    _criterion(
        "awareness",
        "現状認識力",
        [
            "身の回りの出来事を事実として把握できる。",
            "社会や地域の課題を情報に基づいて説明できる。",
            "複数の情報源を比較し、課題の原因を分析できる。",
            "現状を多面的に分析し、取り組むべき課題を的確に設定できる。",
        ],
    ),
    _criterion(
        "perspective",
        "俯瞰的思考力",
        [
            "自分の担当の範囲で物事を考える。",
            "自分の担当と周囲との関係を意識して考える。",
            "組織や地域全体の中で自分の役割を位置づけて考える。",
            "分野や国境を越えた全体像から、長期的な視点で判断できる。",
        ],
    ),
    _criterion(
        "creativity",
        "創造(想像)力",
        [
            "示された方法に沿って取り組む。",
            "既存の方法に自分なりの工夫を加える。",
            "相手や将来の状況を想像し、新しい案を提案できる。",
            "新しい価値を構想し、周囲を巻き込んで形にできる。",
        ],
    ),
    _criterion(
        "practice",
        "実践力",
        [
            "指示を受けて行動できる。",
            "自分で計画を立てて行動できる。",
            "困難があっても周囲と協力して最後までやり遂げる。",
            "周囲を主導して計画を実行し、成果を振り返って次に生かせる。",
        ],
    ),
]

SELF_EFFICACY = [
    _item("se1", "難しい課題でも、努力すれば解決できると思う。", "自己効力感"),
    _item("se2", "予想外の出来事が起きても、うまく対処できると思う。", "自己効力感"),
    _item("se3", "目標を立てれば、それを達成できる自信がある。", "自己効力感"),
    _item("se4", "新しい作業や技術でも、練習すれば身につけられると思う。", "自己効力感"),
    _item("se5", "困ったときに、いくつかの解決策を考えることができる。", "自己効力感"),
    _item("se6", "職場で任された仕事を、自分の力でやり遂げられると思う。", "自己効力感"),
]

GRIT = [
    _item("gr1", "一度始めたことは、最後までやり遂げる。", "やり抜く力"),
    _item("gr2", "失敗してもやる気を失わない。", "やり抜く力"),
    _item("gr3", "新しい目標が出てくると、前の目標から気がそれることがある。", "やり抜く力", reverse=True),
    _item("gr4", "何か月もかかる課題にも、集中して取り組み続けられる。", "やり抜く力"),
    _item("gr5", "興味を持ったことでも、しばらくすると飽きてしまう。", "やり抜く力", reverse=True),
    _item("gr6", "勤勉に努力するほうだ。", "やり抜く力"),
]

TEMPLATES = {
    "five_abilities": {
        "label": _("Five abilities (exchange programs, seed 001)"),
        "code": "five-abilities",
        "name": "グローバル人材の5つの能力ルーブリック",
        "kind": "rubric",
        "description": "異文化受容性・現状認識力・俯瞰的思考力・創造(想像)力・実践力を、派遣・受入の前後に測定する。",
        "levels": RUBRIC_LEVELS,
        "criteria": FIVE_ABILITIES,
    },
    "self_efficacy": {
        "label": _("Self-efficacy (high schools, seed 003)"),
        "code": "self-efficacy",
        "name": "自己効力感アンケート",
        "kind": "likert",
        "description": "デュアルシステムの前後に、生徒の自己効力感を5段階で測定する。",
        "levels": LIKERT_LEVELS,
        "criteria": SELF_EFFICACY,
    },
    "grit": {
        "label": _("Grit (high schools, seed 003)"),
        "code": "grit",
        "name": "やり抜く力（グリット）アンケート",
        "kind": "likert",
        "description": "デュアルシステムの前後に、生徒のやり抜く力を5段階で測定する（逆転項目あり）。",
        "levels": LIKERT_LEVELS,
        "criteria": GRIT,
    },
}
