"""Write the slot value lists under intents/<lang>/slots/ and intents/heldout/<lang>/slots/.

Deterministic (fixed seed): run it again and the files come out byte-identical.

    python intents/tools/make_lists.py

Device names are combinations of modifiers (brands, places, adjectives, people) and device nouns
per family; rooms likewise (floors x rooms, people's rooms). Held-out lists are built from a
reserved vocabulary (nouns, brands, people, rooms that never occur in training) plus a random
slice of the combinations, and every held-out name/area is removed from the training lists, so
`intents/tools/check.py` can insist the two never share a value.

Rules the combinations follow (see intents/README.md):
- no name is "<room word> <bare class word>" ("kitchen light", "bedroom fan", 客厅灯, 主卧窗帘):
  those are tagged area + device_class in templates, never name;
- names never contain an article ("the").
"""

from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 20240611

# --------------------------------------------------------------------------------------------
# numbers as words

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " \
        "fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def en_words(n: int, hyphen: bool = False) -> str:
    if n < 20:
        return _ONES[n]
    if n == 100:
        return "one hundred"
    t, o = divmod(n, 10)
    if o == 0:
        return _TENS[t]
    return f"{_TENS[t]}{'-' if hyphen else ' '}{_ONES[o]}"


_ZH_DIGITS = "零一二三四五六七八九"


def zh_words(n: int, liang: bool = False) -> str:
    if n == 100:
        return "一百"
    if n < 10:
        return "两" if (liang and n == 2) else _ZH_DIGITS[n]
    t, o = divmod(n, 10)
    head = "十" if t == 1 else _ZH_DIGITS[t] + "十"
    return head + (_ZH_DIGITS[o] if o else "")


# --------------------------------------------------------------------------------------------
# English vocabulary

EN_ROOMS = """living room|lounge|den|family room|sitting room|front room|kitchen|dining room|dining area
|breakfast nook|pantry|utility room|laundry room|laundry|mudroom|hallway|hall|entrance|entryway|foyer
|landing|stairs|staircase|bedroom|master bedroom|main bedroom|guest bedroom|guest room|spare room
|spare bedroom|kids room|kid's room|children's room|playroom|nursery|baby's room|bathroom|main bathroom
|guest bathroom|ensuite|en suite|toilet|wc|powder room|shower room|office|home office|study|library
|studio|workshop|garage|carport|driveway|basement|cellar|wine cellar|attic|loft|garden|back garden
|front garden|backyard|front yard|yard|patio|terrace|deck|balcony|porch|front porch|back porch
|veranda|conservatory|sunroom|greenhouse|shed|garden shed|pool|pool house|gym|home gym|games room
|media room|cinema room|tv room|music room|craft room|sewing room|closet|walk-in closet|dressing room
|boot room|cloakroom|corridor|upstairs|downstairs|ground floor|first floor|second floor|top floor
|granny flat|annex|barn|stable|workshop shed|server room|boiler room|back room|snug|parlour|parlor
|kitchenette|loft bedroom|attic room|bonus room|great room|rec room|man cave|she shed|reading nook
|entrance hall|side yard|courtyard|roof terrace|rooftop|gazebo|summer house|guest house|guest suite
|teen room|teenager's room|nanny's room|maid's room|bar|wine room|pantry room|store room|storage room"""

EN_ROOMS_HELDOUT = """lanai|vestibule|scullery|solarium|orangery|atrium|snug room|back kitchen|panic room
|mezzanine|crawl space|butler's pantry|drawing room|morning room|billiard room|observatory|chapel
|sauna room|steam room|darkroom|gallery|dojo|yoga room|meditation room|lobby|reception|breezeway
|carriage house|boathouse|cabana|pergola area|fire pit area|orchard|vegetable patch|allotment
|tack room|kennel|cattery|aviary|loft office|nook|cubby|alcove|garret|cottage|bungalow|chalet"""

EN_FLOORS = ["upstairs", "downstairs", "first floor", "second floor", "ground floor", "top floor",
             "main floor", "lower level", "upper level", "basement", "attic", "back", "front",
             "east", "west", "north", "south", "small", "big", "large", "old", "new", "main", "guest",
             "master", "middle", "left", "right", "third floor"]
EN_FLOOR_ROOMS = ["bathroom", "bedroom", "hallway", "hall", "landing", "living room", "office",
                  "toilet", "closet", "guest room", "lounge", "kitchen", "study", "den", "corridor",
                  "playroom", "bath", "loo", "family room", "sitting room", "spare room", "porch",
                  "garden", "patio", "terrace", "balcony", "deck", "yard", "bedroom two",
                  "bedroom three", "storage", "utility", "lobby"]
EN_PEOPLE = ["emma", "jack", "sophie", "liam", "olivia", "noah", "mia", "lucas", "ava", "ethan",
             "chloe", "leo", "grace", "max", "lily", "sam", "anna", "ben", "ella", "oscar", "zoe",
             "tom", "kate", "dan", "amy", "josh", "lucy", "harry", "isla", "jacob", "maya", "ryan",
             "nina", "alex", "sara", "david", "maria", "james", "mum", "mom", "dad", "grandma",
             "grandpa", "nana", "wei", "priya",
             "ahmed", "yuki", "carlos", "fatima", "olga", "kwame", "ingrid", "pierre", "twins", "kids",
             "boys", "girls"]
PLURAL_PEOPLE = {"twins", "kids", "boys", "girls", "parents"}


def poss(p: str) -> str:
    """English possessive: emma -> emma's, kids -> kids'."""
    return f"{p}'" if p in PLURAL_PEOPLE else f"{p}'s"
EN_PEOPLE_HELDOUT = ["theo", "freya", "arjun", "beatrix", "rafael", "hana", "magnus", "imani",
                     "giulia", "soren", "aunt jo", "uncle bob", "granny", "parents", "meilin",
                     "tariq", "svetlana", "diego", "niamh", "kofi"]
EN_PERSON_ROOMS = ["room", "bedroom", "office", "study", "nursery", "bathroom", "den", "studio",
                   "playroom", "side", "corner", "workshop", "suite"]

# class words (tagged device_class); a name never is "<room> <class word>"
EN_CLASS = {
    "light": """lights|light|lamps|lamp|bulbs|bulb|lighting|light bulbs|leds|led lights
              |light fixtures|fixtures""",
    "switch": "switch|switches|plug|plugs|socket|sockets|outlet|outlets|power|smart plug|smart plugs|power socket",
    "fan": "fan|fans|ceiling fan|ceiling fans|ventilation|ventilator|extractor|extractor fan|air circulator",
    "climate": """heating|heat|heater|heaters|thermostat|ac|a/c|aircon|air con|air conditioning
              |air conditioner|air conditioners|radiator|radiators|heat pump|climate|hvac
              |central heating|underfloor heating|floor heating|cooling|boiler""",
    "cover": """blinds|blind|curtains|curtain|shades|shade|shutters|shutter|roller blinds|roller shutters
              |garage door|garage|awning|drapes|covers|window blinds|window shades|gate|skylight
              |roof window|sunshade|screens|roller blind|venetian blinds|garage doors""",
    "lock": "lock|locks|door|doors|door lock|door locks|deadbolt|deadbolts|smart lock|smart locks",
    "vacuum": """vacuum|vacuum cleaner|robot vacuum|robot|hoover|robovac|robot hoover|cleaner
               |cleaning robot|vac|roomba|robot mop|mop""",
    "sensor": """temperature|temp|humidity|thermometer|sensor|sensors|temperature sensor|air quality
               |co2|carbon dioxide|humidity sensor|pressure|power usage|energy usage|battery
               |motion sensor|door sensor|window sensor|illuminance|light level|noise level""",
    "everything": "everything|all devices|every device|all appliances|all electronics|every single device",
}
# door-like words appear in several families; front door / back door are lock class words *and*
# typical lock names: keep them out of name lists so one text has one tagging.

EN_NOUNS = {
    "light": """ceiling light|floor lamp|desk lamp|bedside lamp|reading lamp|pendant|pendant light
        |chandelier|spotlight|led strip|light strip|lightstrip|strip lights|fairy lights|string lights
        |night light|nightlight|wall light|sconce|wall sconce|uplighter|lantern|tv backlight|backlight
        |cabinet lights|under cabinet lights|mirror light|christmas tree|christmas lights|lava lamp
        |salt lamp|neon sign|accent light|cove lighting|track lights|recessed lights|hue go|hue play
        |hue bloom|hue iris|nanoleaf panels|nanoleaf|lifx bulb|globe|moon lamp|arc lamp|tripod lamp
        |table lamp|standing lamp|torchiere|bar lights|island lights|pendant lamps|shelf lights
        |bookshelf lights|picture light|vanity light|bath light|porch lantern|flood light|floodlight
        |security light|path lights|garden lights|deck lights|step lights|stair lights|plinth lights
        |kickboard lights|sky light panel|light bar|play bars|gradient strip|ambient light
        |mood light|disco ball|sunrise lamp|wake-up light|star projector|galaxy projector|light panel
        |globe lights|festoon lights|tree lights|bulb one|bulb two|left bulb|right bulb|big light
        |main light|overhead light|top light|fan light|closet light|wardrobe light|cupboard light
        |hob light|cooker hood light|aquarium light|grow light|plant light|sign|led panel""",
    "switch": """kettle|coffee machine|coffee maker|espresso machine|toaster|smart plug|plug|socket
        |power strip|electric blanket|towel rail|heated towel rail|towel warmer|dehumidifier
        |humidifier|air purifier|water heater|immersion heater|hot tub|pool pump|fountain|sprinkler
        |sprinklers|irrigation|tv|television|telly|monitor|computer|pc|printer|3d printer|router
        |washing machine|washer|dryer|tumble dryer|dishwasher|slow cooker|rice cooker|fish tank
        |aquarium|aquarium pump|projector|soundbar|speaker|speakers|amplifier|amp|stereo|hifi
        |game console|playstation|xbox|nintendo switch|charger|phone charger|ev charger|car charger
        |electric fireplace|fireplace|mosquito repeller|heat lamp|grow lights|plant lights
        |christmas tree|garden lights|pond pump|pond filter|air fryer|instant pot|bread maker
        |sandwich maker|waffle maker|microwave|oven|space heater|fan heater|oil heater|hair dryer
        |straighteners|curling iron|iron|radio|record player|turntable|subwoofer|modem|nas|server
        |doorbell chime|chime|siren|alarm siren|water pump|boiler switch|heated floor|bed warmer
        |foot warmer|diffuser|oil diffuser|wax melter|salt lamp plug|desk plug|tv plug|lamp plug
        |bedside plug|laptop charger|bike charger|scooter charger|mower charger|freezer|fridge
        |wine fridge|beer fridge|ice maker|water dispenser|filter jug|bottle warmer|steriliser
        |baby monitor|white noise machine|sound machine|massage chair|treadmill|exercise bike""",
    "fan": """ceiling fan|desk fan|tower fan|pedestal fan|box fan|extractor fan|exhaust fan|attic fan
        |dyson|dyson fan|standing fan|floor fan|window fan|range hood|cooker hood|air purifier
        |air circulator|bladeless fan|table fan|wall fan|bathroom extractor|kitchen extractor
        |vent|vent fan|inline fan|whole house fan|mrv|heat recovery unit|air cooler|evaporative cooler
        |clip fan|usb fan|misting fan|cooling fan|big fan|little fan|fan light combo""",
    "climate": """thermostat|radiator|heater|air conditioner|ac unit|aircon|heat pump|boiler
        |underfloor heating|floor heating|nest|nest thermostat|tado|ecobee|hive|mini split|split unit
        |radiator valve|trv|space heater|oil heater|electric radiator|wall heater|panel heater
        |towel radiator|storage heater|convector|mitsubishi|daikin|fujitsu|lg ac|samsung ac
        |portable ac|window unit|window ac|ducted ac|central air|furnace|wood stove|pellet stove
        |climate control|smart thermostat|netatmo thermostat|honeywell|evohome|danfoss valve
        |ceiling cassette|wall unit|indoor unit|air handler""",
    "cover": """roller blind|curtains|shades|shutters|awning|garage door|skylight|velux|roof window
        |pergola|sunshade|projector screen|venetian blinds|blackout blinds|blackout curtains
        |sheer curtains|voiles|drapes|roller shutter|patio blinds|window blinds|bay window blinds
        |skylight blind|roof blind|garden gate|driveway gate|side gate|sliding gate|carport door
        |up and over door|roller door|sectional door|louvres|louvered roof|vertical blinds
        |pleated blinds|roman blinds|honeycomb blinds|cellular shades|solar screen|insect screen
        |sun sail|window|side window|top window|vent window|loft hatch|cat flap|pet door""",
    "lock": """front door|back door|front door lock|back door lock|side door|side door lock|deadbolt|smart lock|patio door
        |patio door lock|gate lock|garden gate|shed lock|shed door|storage lock|nuki|nuki lock
        |august lock|yale|yale lock|main door|entrance door|cellar door|balcony door|basement door
        |safe|cabinet lock|garage side door|garage entry door|bike shed|mailbox|letterbox|front gate
        |back gate|side gate|courtyard gate|porch door|kitchen door lock|utility door|annex door
        |studio door|office door|gun cabinet|medicine cabinet|liquor cabinet|ultion lock
        |schlage lock|kwikset|level lock|wyze lock|eufy lock|aqara lock|ring lock|door latch
        |french doors|sliding door|bifold doors|conservatory door|summer house door|pool gate""",
    "vacuum": """roomba|robot vacuum|roborock|deebot|dreame|eufy robovac|neato|braava|robot mop
        |shark robot|dyson 360|xiaomi vacuum|mi robot|robovac|roomba j7|roomba i7|roborock s8
        |roborock q7|deebot t20|dreame l10|vacuum robot|cleaning robot|floor robot|mop robot
        |dusty|rosie|robbie|dustin|sweepy|wall-e|hoovey|bot|dustbuster|crumbs|zoomba|robo""",
    "sensor": """temperature sensor|thermometer|humidity sensor|weather station|motion sensor
        |door sensor|window sensor|air quality monitor|co2 sensor|leak sensor|water sensor
        |power meter|energy meter|smoke detector|outdoor sensor|aqara sensor|netatmo|airthings
        |awair|climate sensor|multisensor|hygrometer|air monitor|radon sensor|pool thermometer
        |fridge sensor|freezer sensor|soil sensor|plant sensor|rain gauge|wind sensor|lux sensor
        |pir sensor|presence sensor|contact sensor|flood sensor|vibration sensor|tilt sensor""",
}
EN_NOUNS_HELDOUT = {
    "light": "candle lamp|bollard light|pendant cluster|bunker light|crystal lamp|paper lantern"
             "|edison bulb|filament lamp|magic mirror glow|halo ring|light tube|gobo projector",
    "switch": "kombucha brewer|yogurt maker|dehydrator|popcorn machine|chocolate fountain|heated mattress"
              "|reptile heat mat|terrarium|sous vide|pizza oven|ice cream maker|jukebox|arcade machine",
    "fan": "misting tower|loft extractor|turbo fan|ceiling propeller|air multiplier|gable fan",
    "climate": "wall split|kerosene heater|infrared panel|aga|radiant floor|heat exchanger|mini heater",
    "cover": "pleated shade|zip screen|plantation shutters|rolling grille|bamboo blind|festoon blind",
    "lock": "padlock|vault door|strongbox|pantry door lock|wicket gate|postern door|bolt lock",
    "vacuum": "mopbot|scuttle|sweeper bot|floor drone|dustbot|hoovernaut",
    "sensor": "barometer|anemometer|dew sensor|frost probe|particle counter|tvoc sensor",
}
EN_BRANDS = ["hue", "philips", "lifx", "ikea", "tradfri", "yeelight", "govee", "nanoleaf", "wiz",
             "sengled", "aqara", "shelly", "tuya", "meross", "sonoff", "xiaomi", "osram", "innr",
             "gledopto", "tapo", "kasa", "wemo", "lutron", "zigbee", "smart", "wifi", "led", "hive",
             "eve", "nest", "tado", "netatmo", "dyson", "bosch", "samsung", "lg", "sony", "miele",
             "delonghi", "nespresso", "breville", "smeg", "ring", "yale", "nuki", "somfy", "velux"]
EN_BRANDS_HELDOUT = ["lightify", "ledvance", "calex", "lidl", "livarno", "moes", "zemismart",
                     "blitzwolf", "athom", "konyks"]
EN_MODS = ["big", "small", "little", "left", "right", "middle", "center", "round", "tall", "old",
           "new", "corner", "window", "bedside", "desk", "shelf", "cabinet", "bookshelf", "mantel",
           "piano", "sofa", "couch", "stair", "mirror", "vanity", "island", "counter", "wall",
           "table", "floor", "ceiling", "front", "back", "side", "upper", "lower", "main", "second",
           "third", "first", "north", "south", "east", "west", "tv", "bed", "reading", "work",
           "craft", "gaming", "standing", "hanging", "outdoor", "indoor", "porch", "entry", "hall",
           "pool", "garden", "fireplace", "aquarium", "wardrobe", "dresser", "nightstand", "crib",
           "baby", "plant", "accent", "art", "picture", "bar", "breakfast", "guest", "spare",
           "kids", "holiday", "party", "night"]
EN_MODS_HELDOUT = ["sideboard", "credenza", "chaise", "ottoman", "alcove", "dormer", "gable",
                   "turret", "pantry shelf", "bay", "arch", "pillar"]
EN_ROOM_NOUNS_OK = {  # specific (non-class) nouns that can follow a room word in a name
    "light": ["ceiling light", "floor lamp", "desk lamp", "pendant", "chandelier", "spotlights",
              "led strip", "light strip", "wall light", "sconce", "night light", "mirror light",
              "tv backlight", "downlight", "strip lights", "main light", "big light",
              "overhead light", "reading lamp", "table lamp"],
    "switch": ["speaker", "tv", "plug", "socket", "heater", "humidifier", "dehumidifier",
               "air purifier", "radio", "monitor", "printer", "kettle", "coffee machine",
               "towel rail", "diffuser", "projector"],
    "fan": ["ceiling fan", "extractor fan", "desk fan", "tower fan", "exhaust fan", "extractor"],
    "climate": ["thermostat", "radiator", "heater", "air conditioner", "ac unit", "heat pump",
                "underfloor heating", "trv", "radiator valve", "split unit"],
    "cover": ["blinds", "curtains", "shutters", "shades", "roller blind", "window", "skylight",
              "awning", "drapes", "blackout blinds"],
    "lock": ["door", "door lock", "gate", "side door", "patio door", "french doors", "sliding door"],
    "vacuum": ["robot", "roomba", "vacuum", "robot vacuum", "mop"],
    "sensor": ["sensor", "thermometer", "temperature sensor", "humidity sensor", "motion sensor",
               "multisensor", "air monitor"],
}

# --------------------------------------------------------------------------------------------
# Chinese vocabulary

ZH_ROOMS = """客厅|主卧|次卧|卧室|大卧室|小卧室|儿童房|书房|厨房|卫生间|洗手间|厕所|浴室|阳台|餐厅|玄关|车库|花园
|院子|走廊|过道|楼梯|楼梯间|地下室|阁楼|储藏室|储物间|衣帽间|主卫|客卫|客房|保姆房|老人房|婴儿房|健身房|影音室
|茶室|办公室|工作室|露台|天台|前院|后院|门口|大厅|起居室|北卧|南卧|东卧|西卧|一楼|二楼|三楼|楼上|楼下|父母房
|宝宝房|游戏室|洗衣房|琴房|酒窖|生活阳台|景观阳台|北阳台|南阳台|家庭室|休闲区|会客厅|饭厅|开放式厨房|中厨|西厨
|杂物间|设备间|车棚|花房|阳光房|菜园|鱼池边|泳池|凉亭|入户花园|门厅|客餐厅|主卧卫生间|次卧卫生间|公卫|书房兼客房
|电竞房|手办房|画室|衣柜间|小书房|大客厅|小客厅|负一楼|地库|夹层|loft|主人房|长辈房|男孩房|女孩房|大儿子房间
|小儿子房间|女儿房|儿子房|爸妈房间|爷爷奶奶房间|多功能室|娱乐室|棋牌室|麻将房|储藏间|工具间"""
ZH_ROOMS_HELDOUT = """偏厅|耳房|暖阁|前厅|后厅|东厢房|西厢房|正房|堂屋|天井|晒台|暗房|禅房|佛堂|书斋|观景台|地窖
|车房|柴房|门房|值班室|会议室|练功房|瑜伽室|桑拿房|蒸房|花廊|连廊|回廊|屋顶花园"""
ZH_FLOORS = ["一楼", "二楼", "三楼", "楼上", "楼下", "负一楼", "顶楼", "东边", "西边", "南边", "北边", "大",
             "小", "主", "前", "后"]
ZH_FLOOR_ROOMS = ["客厅", "卧室", "走廊", "卫生间", "洗手间", "阳台", "书房", "过道", "露台", "房间", "大厅",
                  "客房", "储物间", "楼梯", "厨房", "餐厅", "次卧", "浴室", "办公室"]
ZH_PEOPLE = ["小明", "小红", "朵朵", "豆豆", "乐乐", "妞妞", "果果", "甜甜", "浩浩", "阳阳", "妈妈", "爸爸",
             "奶奶", "爷爷", "外婆", "外公", "姐姐", "哥哥", "弟弟", "妹妹", "宝宝", "老大", "老二", "小宇",
             "晓雯", "子涵", "欣怡", "梓轩", "一诺", "思琪", "嘉怡", "佳佳", "天天", "笑笑", "阿姨", "小王"]
ZH_PEOPLE_HELDOUT = ["糖糖", "壮壮", "圆圆", "婷婷", "俊杰", "雨萱", "舅舅", "姑姑", "叔叔", "小李"]
ZH_PERSON_ROOMS = ["的房间", "房间", "的卧室", "卧室", "的书房", "的小屋"]

ZH_CLASS = {
    "light": "灯|灯光|电灯|照明|灯泡|灯具|大灯|灯们",
    "switch": "开关|插座|插头|电源|智能插座",
    "fan": "风扇|电扇|电风扇|排风|风机",
    "climate": "空调|暖气|地暖|温控器|恒温器|冷气|中央空调|取暖器|热泵|空调机",
    "cover": "窗帘|帘子|百叶窗|卷帘|遮阳帘|车库门|卷帘门|天窗|遮阳棚|纱帘|布帘|电动窗帘",
    "lock": "门锁|锁|门|智能锁|大门|房门",
    "vacuum": "扫地机|扫地机器人|扫地机器|机器人|吸尘器|扫拖机器人|拖地机",
    "sensor": "温度|湿度|室温|温湿度|空气质量|二氧化碳|传感器|温度计|湿度计|甲醛|PM2.5|电量|亮度",
    "everything": "所有设备|全部设备|全部|所有东西|一切|所有电器|全部电器|家里所有设备",
}
ZH_NOUNS = {
    "light": """吊灯|台灯|落地灯|床头灯|筒灯|射灯|灯带|吸顶灯|壁灯|夜灯|氛围灯|小夜灯|镜前灯|阅读灯|水晶灯|灯串
        |装饰灯|月球灯|星空灯|护眼灯|补光灯|植物灯|轨道灯|线条灯|磁吸灯|格栅灯|感应灯|庭院灯|草坪灯|地脚灯|橱柜灯
        |柜灯|圣诞树|圣诞灯|霓虹灯|电视背光|背景灯|主灯|副灯|顶灯|廊灯|门廊灯|风扇灯|浴霸灯|小台灯|大吊灯|彩灯
        |灯笼|蜡烛灯|投影灯|日出灯|睡眠灯|化妆镜灯|楼梯灯|走廊灯|鱼缸灯|挂灯|无主灯|灯条|光带|灯箱|Hue灯带|Hue灯泡
        |Yeelight台灯|Yeelight吸顶灯|Nanoleaf灯板|LIFX灯泡|米家台灯|小米台灯|小米夜灯|飞利浦灯泡|欧普吸顶灯
        |雷士筒灯|易来吸顶灯|华为智选台灯|LED灯带|RGB灯带""",
    "switch": """电热水壶|热水壶|烧水壶|咖啡机|智能插座|排插|插线板|饮水机|电热毯|毛巾架|电热毛巾架|加湿器|除湿机
        |空气净化器|热水器|电热水器|燃气热水器|电视|电视机|电脑|打印机|3D打印机|路由器|洗衣机|烘干机|干衣机|洗碗机
        |电饭煲|电饭锅|面包机|鱼缸|鱼缸水泵|投影仪|投影|音箱|音响|蓝牙音箱|智能音箱|充电器|充电桩|电暖气|浴霸|暖风机
        |净水器|消毒柜|喷泉|浇花器|自动浇水|水泵|香薰机|灭蚊灯|电蚊香|空气炸锅|微波炉|烤箱|电压力锅|豆浆机|破壁机
        |榨汁机|冰箱|酒柜|电动牙刷|吹风机|卷发棒|电熨斗|挂烫机|按摩椅|跑步机|电竞椅|显示器|主机|游戏机|PS5|Xbox
        |Switch|机顶盒|盒子|猫砂盆|喂食器|宠物饮水机|摄像头|门铃|智能门铃|热得快|电炖锅|养生壶|茶吧机|泡脚桶
        |足浴盆|电动窗|小米插座|米家插座|公牛插座|涂鸦插座|美的电饭煲|九阳豆浆机|戴森吹风机|海尔热水器""",
    "fan": """吊扇|落地扇|台扇|塔扇|排气扇|换气扇|新风机|新风系统|循环扇|空调扇|壁扇|油烟机|抽油烟机|无叶风扇
        |戴森风扇|小米风扇|米家风扇|美的风扇|艾美特风扇|USB风扇|小风扇|大风扇|吊扇灯|冷风扇|净化风扇|排风扇|浴室排风""",
    "climate": """挂机|柜机|中央空调|地暖|温控器|暖气片|电暖器|壁挂炉|热泵|风管机|格力空调|美的空调|海尔空调
        |大金空调|奥克斯空调|海信空调|小米空调|米家空调|华为空调|松下空调|三菱空调|立式空调|移动空调|空调挂机
        |空调柜机|新风空调|暖风机|油汀|小太阳|踢脚线取暖器|电热膜|恒温器|Nest温控器|霍尼韦尔温控器|空调伴侣""",
    "cover": """纱帘|遮光帘|卷帘|百叶窗|电动窗帘|车库门|卷帘门|遮阳棚|天窗|晾衣架|电动晾衣架|智能晾衣架|窗纱|罗马帘
        |梦幻帘|香格里拉帘|蜂巢帘|天棚帘|布帘|双层窗帘|左边窗帘|右边窗帘|飘窗窗帘|落地窗帘|投影幕布|幕布|电动幕布
        |院门|大门|推拉门|电动门|平开门|伸缩门|车库卷帘|杜亚窗帘|绿米窗帘|小米窗帘|米家窗帘电机|窗帘电机|开窗器""",
    "lock": """门锁|前门锁|前门|后门|后门锁|大门锁|入户门|入户门锁|防盗门|指纹锁|智能锁|密码锁|侧门|侧门锁|车库门锁
        |院门锁|院子门|花园门|阳台门|地下室门|储藏室门|保险柜|信箱|小米门锁|德施曼|凯迪仕|鹿客|鹿客门锁|华为门锁
        |萤石门锁|耶鲁门锁|三星门锁|单元门|楼道门|铁门|木门|玻璃门|电子锁|人脸锁""",
    "vacuum": """扫地机|扫地机器人|扫拖机器人|石头扫地机|科沃斯|追觅|云鲸|小米扫地机|米家扫地机|拖地机器人|机器人
        |扫地宝|石头|科沃斯地宝|追觅扫地机|云鲸小白鲸|小白|小黑|扫扫|小扫|iRobot|Roomba|戴森扫地机|360扫地机
        |美的扫地机|海尔扫地机|扫地机器|洗地机|吸尘器|小蜜蜂|豆豆|圆圆""",
    "sensor": """温度传感器|温湿度计|湿度传感器|温度计|门磁|门窗传感器|人体传感器|空气质量检测仪|烟雾报警器|水浸传感器
        |甲醛检测仪|温湿度传感器|米家温湿度计|青萍温湿度计|空气检测仪|二氧化碳传感器|光照传感器|燃气报警器|漏水传感器
        |气象站|室外温度计|鱼缸温度计|冰箱温度计|温度探头""",
}
ZH_NOUNS_HELDOUT = {
    "light": "宫灯|马灯|走马灯|烛台灯|琉璃灯|纸灯笼|柱头灯|冰裂灯",
    "switch": "酸奶机|煮蛋器|咖啡研磨机|电烤盘|火锅|爆米花机|暖奶器|晾碗机",
    "fan": "转页扇|鸿运扇|箱扇|顶扇",
    "climate": "燃气壁挂炉|碳晶墙暖|水地暖|踢脚线暖气",
    "cover": "竹帘|珠帘|防蚊帘|电动遮阳篷",
    "lock": "挂锁|柜锁|抽屉锁|后院门锁",
    "vacuum": "扫地小兵|擦窗机器人|除螨仪",
    "sensor": "雨量计|风速计|噪音计|土壤湿度计",
}
ZH_BRANDS = ["小米", "米家", "飞利浦", "Yeelight", "易来", "Hue", "欧普", "雷士", "涂鸦", "绿米", "Aqara",
             "华为", "美的", "格力", "海尔", "小度", "天猫精灵", "欧瑞博", "公牛", "松下", "西门子", "博世",
             "宜家", "TP-LINK", "萤石", "鸿蒙", "智能", "LED", "德力西", "正泰"]
ZH_BRANDS_HELDOUT = ["奥朗", "蓝普", "幻腾", "紫光", "乐橙", "Sonoff"]
ZH_MODS = ["大", "小", "左边", "右边", "中间", "圆", "方", "新", "旧", "角落", "书桌", "沙发旁", "沙发",
           "电视墙", "床边", "窗边", "楼梯", "柜子", "镜子", "餐桌", "吧台", "岛台", "门口", "墙上", "顶上",
           "白色", "黑色", "金色", "木头", "北欧", "复古", "长", "短", "第一个", "第二个", "靠窗", "靠门",
           "床头", "入户", "背景墙", "展示柜", "酒柜", "鞋柜", "衣柜", "梳妆台", "工作台", "电脑桌", "茶几",
           "前面", "后面", "上面", "下面", "里面", "外面", "东", "西"]
ZH_MODS_HELDOUT = ["博古架", "屏风", "罗汉床", "八仙桌", "神龛", "月洞门"]
ZH_ROOM_NOUNS_OK = {
    "light": ["吊灯", "吸顶灯", "筒灯", "射灯", "灯带", "壁灯", "主灯", "落地灯", "台灯", "夜灯", "氛围灯", "镜前灯"],
    "switch": ["音箱", "电视", "插座", "加湿器", "净化器", "热水器", "电暖气", "浴霸", "投影仪"],
    "fan": ["吊扇", "排气扇", "换气扇", "落地扇", "新风机"],
    "climate": ["挂机", "柜机", "暖气片", "温控器", "电暖器"],
    "cover": ["纱帘", "遮光帘", "卷帘", "晾衣架", "天窗", "窗纱"],
    "lock": ["门锁", "阳台门", "推拉门"],
    "vacuum": ["扫地机", "扫地机器人"],
    "sensor": ["温湿度计", "温度计", "传感器", "门磁"],
}


# --------------------------------------------------------------------------------------------

def split(s: str) -> list[str]:
    return [w.strip() for w in s.replace("\n", "").split("|") if w.strip()]


def dedupe(xs):
    seen, out = set(), []
    for x in xs:
        x = " ".join(x.split()) if " " in x else x
        if x and x not in seen:
            seen.add(x)
            out.append(x)
    return out


def write(path: Path, values, header: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {header}\n# generated by intents/tools/make_lists.py; edit the script, not this file\n"
                    + "\n".join(values) + "\n", encoding="utf-8")


def en_areas(rng, rooms, floors, floor_rooms, people, person_rooms):
    out = list(rooms)
    for f in floors:
        for r in floor_rooms:
            if f != r and rng.random() < 0.45:
                out.append(f"{f} {r}")
    for p in people:
        for r in rng.sample(person_rooms, 3):
            out.append(f"{poss(p)} {r}")
    return dedupe(out)


def zh_areas(rng, rooms, floors, floor_rooms, people, person_rooms):
    out = list(rooms)
    for f in floors:
        for r in floor_rooms:
            if rng.random() < 0.5:
                out.append(f + r)
    for p in people:
        for r in rng.sample(person_rooms, 3):
            out.append(p + r)
    return dedupe(out)


def en_names(rng, fam, nouns, mods, brands, people, room_words, room_nouns, class_words, n):
    out = list(nouns)
    for _ in range(n * 3):
        k = rng.random()
        noun = rng.choice(nouns)
        if k < 0.35:
            name = f"{rng.choice(mods)} {noun}"
        elif k < 0.55:
            name = f"{rng.choice(brands)} {noun}"
        elif k < 0.75:
            name = f"{poss(rng.choice(people))} {noun}"
        elif k < 0.87:
            name = f"{rng.choice(room_words)} {rng.choice(room_nouns)}"
        elif k < 0.95:
            name = f"{rng.choice(mods)} {rng.choice(brands)} {noun}"
        else:
            name = f"{noun} {rng.choice(['one', 'two', 'three', '1', '2', '3', 'left', 'right', 'pro', 'mini', 'max'])}"
        words = name.split()
        if len(words) > 5 or "the" in words[-1:]:
            continue
        out.append(name)
    out = dedupe(out)
    # a name never is "<room> <class word>": that text is area + device_class
    rooms = set(room_words)
    cls = set(class_words)
    def bad(name: str) -> bool:
        for r in rooms:
            if name.startswith(r + " ") and name[len(r) + 1:] in cls:
                return True
        return name in cls
    out = [x for x in out if not bad(x)]
    rng.shuffle(out)
    return out[:n]


def zh_names(rng, nouns, mods, brands, people, room_words, room_nouns, class_words, n):
    out = list(nouns)
    for _ in range(n * 3):
        k = rng.random()
        noun = rng.choice(nouns)
        if k < 0.33:
            name = rng.choice(mods) + noun
        elif k < 0.5:
            name = rng.choice(brands) + noun
        elif k < 0.68:
            name = rng.choice(people) + rng.choice(["的", ""]) + noun
        elif k < 0.85:
            name = rng.choice(room_words) + rng.choice(room_nouns)
        elif k < 0.93:
            name = rng.choice(mods) + rng.choice(brands) + noun
        else:
            name = noun + rng.choice(["一号", "二号", "1", "2", "Pro", "mini", "左", "右", "A", "B"])
        if len(name) > 12:
            continue
        out.append(name)
    out = dedupe(out)
    rooms, cls = set(room_words), set(class_words)

    def bad(name: str) -> bool:
        if name in cls:
            return True
        for r in rooms:
            if name.startswith(r) and (name[len(r):] in cls or name[len(r):].lstrip("的") in cls):
                return True
        return False
    out = [x for x in out if not bad(x)]
    rng.shuffle(out)
    return out[:n]


def en_numbers(rng):
    pct_tr, pct_ho = [], []
    for n in range(1, 101):
        forms = [f"{n}%", f"{n} percent", f"{n} %", f"{n} per cent", f"{en_words(n)} percent",
                 f"{en_words(n, True)} percent", f"{n} pct", f"{n}"]
        for f in dedupe(forms):
            (pct_ho if rng.random() < 0.12 else pct_tr).append(f)
    words = ["half", "full", "max", "maximum", "minimum", "min", "a quarter", "three quarters",
             "a hundred percent", "lowest", "highest"]
    bright_tr = pct_tr + words
    bright_ho = pct_ho + ["a third", "two thirds", "halfway", "one quarter", "flat out"]
    step = [f for n in (5, 10, 15, 20, 25, 30, 40, 50) for f in
            (f"{n}%", f"{n} percent", f"{en_words(n)} percent", f"{n} per cent")]
    pos_tr = pct_tr + ["half", "halfway", "half way", "a quarter", "three quarters", "a third",
                       "two thirds", "one third", "one quarter"]
    pos_ho = pct_ho + ["midway", "partway", "a smidge over half"]
    fan_words = ["low", "medium", "high", "max", "maximum", "minimum", "min", "full", "half",
                 "full speed", "half speed", "top speed", "lowest", "highest", "full power",
                 "medium speed", "low speed", "high speed", "speed one", "speed two", "speed three",
                 "level 1", "level 2", "level 3", "setting 2", "mid", "turbo", "gentle", "quiet"]
    fan_tr = [p for p in pct_tr if "pct" not in p and not p.isdigit()] + fan_words
    fan_ho = [p for p in pct_ho if "pct" not in p] + ["lowest setting", "highest setting", "medium-high",
                                                     "medium-low", "setting three", "notch two"]
    temp_tr, temp_ho = [], []
    for n in range(5, 31):
        forms = [f"{n}", f"{n} degrees", f"{n} degrees celsius", f"{n}°", f"{n}°c", f"{n} °c",
                 f"{n} c", f"{n} celsius", f"{en_words(n)} degrees", f"{en_words(n, True)} degrees",
                 f"{en_words(n)}", f"{n} degree", f"{n}.5", f"{n}.5 degrees", f"{n} and a half degrees",
                 f"{en_words(n)} and a half degrees", f"{en_words(n)} point five degrees",
                 f"{n} deg", f"{n}deg", f"{n}c"]
        for f in dedupe(forms):
            (temp_ho if rng.random() < 0.1 else temp_tr).append(f)
    for n in range(60, 81, 2):
        temp_tr.append(f"{n} fahrenheit" if n % 4 else f"{n} degrees fahrenheit")
        temp_ho.append(f"{n + 1}°f")
    tstep = ["1 degree", "one degree", "a degree", "2 degrees", "two degrees", "3 degrees",
             "three degrees", "half a degree", "0.5 degrees", "a couple of degrees", "a couple degrees",
             "4 degrees", "five degrees", "1.5 degrees", "2°", "1°c", "a few degrees"]
    return dict(bright_tr=bright_tr, bright_ho=bright_ho, step=step, pos_tr=pos_tr, pos_ho=pos_ho,
                fan_tr=fan_tr, fan_ho=fan_ho, temp_tr=temp_tr, temp_ho=temp_ho, tstep=tstep)


EN_COLORS = """red|green|blue|yellow|orange|purple|pink|violet|magenta|cyan|teal|turquoise|lime|gold|golden
|amber|crimson|scarlet|maroon|burgundy|navy|navy blue|sky blue|light blue|dark blue|deep blue|royal blue
|baby blue|powder blue|ice blue|electric blue|cobalt|azure|aqua|aquamarine|mint|mint green|light green
|dark green|forest green|sea green|olive|lime green|emerald|jade|chartreuse|lavender|lilac|plum|orchid
|indigo|mauve|fuchsia|hot pink|light pink|deep pink|rose|salmon|coral|peach|apricot|tangerine
|warm orange|dark orange|burnt orange|rust|brown|chocolate|tan|beige|khaki|sand|lemon|lemon yellow
|mustard|cream|ivory|honey|bronze|copper|cherry|ruby|wine|raspberry|strawberry|blood red|dark red
|bright red|light purple|dark purple|deep purple|blue violet|slate blue|steel blue|cornflower blue
|midnight blue|dodger blue|deep sky blue|cadet blue|dark cyan|light cyan|pale green|spring green
|lawn green|yellow green|green yellow|olive drab|dark khaki|goldenrod|light yellow|pale yellow
|sienna|peru|firebrick|indian red|tomato|orange red|medium purple|dark violet|dark orchid|thistle
|plum purple|sunset orange|candy pink|bubblegum pink|neon green|neon pink|ocean blue|forest
|sunset|sunrise|blush|rose gold|champagne|periwinkle|cerulean|teal blue|petrol|mint blue|pistachio"""
EN_COLORS_HELDOUT = """vermilion|carmine|saffron|ochre|viridian|ultramarine|heliotrope|celadon|puce
|wisteria|marigold|cinnabar|zaffre|gamboge|byzantium"""
EN_CT = """warm white|warm|cool white|cool|cold white|daylight|soft white|natural white|neutral white
|bright white|candlelight|candle light|white|warm light|cool light|cold light|warm yellow|yellowish white
|pure white|reading light|relax|concentrate|energize|incandescent|halogen|2700 kelvin|2700k|2700 k
|3000 kelvin|3000k|4000 kelvin|4000k|5000 kelvin|5000k|6500 kelvin|6500k|2200 kelvin|2200k|3500k
|4500 kelvin|6000k|2000 kelvin|very warm|extra warm|super warm|ice white|blue white|sunlight"""
EN_CT_HELDOUT = """tungsten|firelight|overcast|north light|moonlight white|2500 kelvin|5500k|3200 k"""
# no value ends in "mode" (templates say "{hvac_mode} [mode]"), and none is a device class word
EN_HVAC = """heat|heating|cool|cooling|auto|automatic|dry|dehumidify|dehumidifying|fan only|off|heat cool
|heat and cool|heat/cool|ventilate|ventilation|cold|hot|warm|just fan|fan-only"""
EN_HVAC_HELDOUT = """warming|chilling|drying|circulate|air only|self-select"""

ZH_COLORS = """红色|红|蓝色|蓝|绿色|绿|黄色|黄|紫色|紫|粉色|粉|粉红色|橙色|橙|青色|暖黄色|天蓝色|深蓝色|浅蓝色|浅绿色
|墨绿色|金色|玫红色|洋红色|湖蓝色|薰衣草紫|酒红色|橘色|橘黄色|柠檬黄|草绿色|宝蓝色|藏青色|品红|珊瑚色|琥珀色|蓝绿色
|粉紫色|深红色|浅紫色|紫罗兰色|海蓝色|孔雀蓝|玫瑰红|樱花粉|大红色|正红色|中国红|亮黄色|嫩绿色|翠绿色|碧绿色
|深绿色|军绿色|橄榄绿|薄荷绿|蒂芙尼蓝|克莱因蓝|雾霾蓝|浅粉色|桃红色|桃粉色|蜜桃色|杏色|咖啡色|棕色|褐色|巧克力色
|米黄色|奶油色|香槟色|古铜色|铜色|金黄色|土黄色|姜黄色|芥末黄|火红色|砖红色|胭脂红|枣红色|深紫色|暗紫色|丁香紫
|靛蓝色|靛青色|群青色|天青色|水蓝色|冰蓝色|海军蓝|电光蓝|荧光绿|荧光粉|霓虹粉|橘红色|朱红色|番茄红|日落橙
|晚霞色|极光绿"""
ZH_COLORS_HELDOUT = "胭脂色|黛青色|月白色|鹅黄色|绛紫色|石青色|赭石色|藕荷色"
ZH_CT = """暖光|冷光|暖白|冷白|自然光|白光|暖白光|冷白光|正白光|中性光|日光|暖色|冷色|暖黄光|暖色调|冷色调|暖黄|黄光
|暖一点的光|冷一点的光|正白|纯白|自然白|中性白|柔光|阅读光|烛光|月光|4000K|2700K|3000K|5000K|6500K|6000K|3500K
|2700开尔文|4000开尔文|6500开尔文|白色|暖色光|冷色光|日光色|太阳光"""
ZH_CT_HELDOUT = "夕阳光|晨光|钨丝灯光|4500K|5500开尔文"
# no value ends in 模式 (templates say "{hvac_mode}[模式]"), and none is a device class word
ZH_HVAC = """制热|制冷|自动|除湿|送风|抽湿|通风|加热|冷风|暖风|吹风|干燥|热风|智能"""
ZH_HVAC_HELDOUT = "升温|降温模式|换气|烘干"


def zh_numbers(rng):
    pct_tr, pct_ho = [], []
    for n in range(1, 101):
        forms = [f"百分之{zh_words(n)}", f"{n}%", f"{n}％", f"百分之{n}", f"{zh_words(n)}%", f"{n}"]
        if n % 10 == 0 and n < 100:
            forms.append(f"{zh_words(n // 10)}成")
        for f in dedupe(forms):
            (pct_ho if rng.random() < 0.12 else pct_tr).append(f)
    bright_tr = pct_tr + ["一半", "最亮", "最暗", "全亮", "最大", "最小", "百分百", "百分之百", "满", "最低",
                          "最高", "最大亮度", "最低亮度", "一半亮度", "五成亮"]
    bright_ho = pct_ho + ["三分之一", "四分之三", "八成亮", "顶格"]
    step = [f for n in (5, 10, 15, 20, 25, 30, 40, 50) for f in
            (f"百分之{zh_words(n)}", f"{n}%", f"百分之{n}")] + ["一成", "两成", "三成"]
    pos_tr = pct_tr + ["一半", "三分之一", "四分之一", "三分之二", "四分之三", "一多半", "一小半"]
    pos_ho = pct_ho + ["大半", "少一半", "一点点"]
    fan_words = ["低速", "中速", "高速", "一档", "二档", "两档", "三档", "四档", "五档", "1档", "2档", "3档",
                 "最大档", "最小档", "低档", "中档", "高档", "最高档", "最低档", "最大", "最小", "最高", "最低",
                 "强风", "弱风", "中风", "大风", "小风", "微风", "睡眠风", "自然风", "最大风", "最小风", "高风速",
                 "低风速", "中风速", "一级", "二级", "三级"]
    fan_tr = [p for p in pct_tr if not p.isdigit()] + fan_words
    fan_ho = [p for p in pct_ho if not p.isdigit()] + ["六档", "静音档", "强劲风", "柔风"]
    temp_tr, temp_ho = [], []
    for n in range(5, 31):
        forms = [f"{zh_words(n)}度", f"{n}度", f"{n}摄氏度", f"{zh_words(n)}摄氏度", f"{n}°C", f"{n}℃",
                 f"{n}°", f"{zh_words(n)}点五度", f"{n}.5度", f"{n}", f"{zh_words(n)}", f"{n}度半",
                 f"{zh_words(n)}度半"]
        for f in dedupe(forms):
            (temp_ho if rng.random() < 0.1 else temp_tr).append(f)
    tstep = ["一度", "两度", "1度", "2度", "3度", "三度", "半度", "零点五度", "0.5度", "一两度", "几度", "1.5度",
             "一度半", "两三度", "五度"]
    return dict(bright_tr=bright_tr, bright_ho=bright_ho, step=step, pos_tr=pos_tr, pos_ho=pos_ho,
                fan_tr=fan_tr, fan_ho=fan_ho, temp_tr=temp_tr, temp_ho=temp_ho, tstep=tstep)


def build_lang(lang: str) -> None:
    rng = random.Random(f"{SEED}-{lang}")
    tr = ROOT / lang / "slots"
    ho = ROOT / "heldout" / lang / "slots"
    if lang == "en":
        rooms, rooms_ho = split(EN_ROOMS), split(EN_ROOMS_HELDOUT)
        areas = en_areas(rng, rooms, EN_FLOORS, EN_FLOOR_ROOMS, EN_PEOPLE, EN_PERSON_ROOMS)
        areas_ho = en_areas(rng, rooms_ho, EN_FLOORS[:8], ["washroom", "bath", "landing", "loft"],
                            EN_PEOPLE_HELDOUT, ["room", "bedroom", "den", "office", "nook"])
        cls = {k: split(v) for k, v in EN_CLASS.items()}
        nouns = {k: split(v) for k, v in EN_NOUNS.items()}
        nouns_ho = {k: split(v) for k, v in EN_NOUNS_HELDOUT.items()}
        mk = lambda fam, ns, mods, brands, people, roomw, n: en_names(  # noqa: E731
            rng, fam, ns, mods, brands, people, roomw, EN_ROOM_NOUNS_OK[fam], all_cls, n)
        mods, mods_ho, brands, brands_ho = EN_MODS, EN_MODS_HELDOUT, EN_BRANDS, EN_BRANDS_HELDOUT
        people, people_ho = EN_PEOPLE, EN_PEOPLE_HELDOUT
        nums = en_numbers(rng)
        colors, colors_ho = split(EN_COLORS), split(EN_COLORS_HELDOUT)
        ct, ct_ho = split(EN_CT), split(EN_CT_HELDOUT)
        hvac, hvac_ho = split(EN_HVAC), split(EN_HVAC_HELDOUT)
        sizes = dict(light=2500, switch=2000, fan=900, climate=1000, cover=1200, lock=900,
                     vacuum=500, sensor=700)
    else:
        rooms, rooms_ho = split(ZH_ROOMS), split(ZH_ROOMS_HELDOUT)
        areas = zh_areas(rng, rooms, ZH_FLOORS, ZH_FLOOR_ROOMS, ZH_PEOPLE, ZH_PERSON_ROOMS)
        areas_ho = zh_areas(rng, rooms_ho, ZH_FLOORS[:6], ["盥洗室", "起居间", "内室"], ZH_PEOPLE_HELDOUT,
                            ["的屋", "的房间", "屋里"])
        cls = {k: split(v) for k, v in ZH_CLASS.items()}
        nouns = {k: split(v) for k, v in ZH_NOUNS.items()}
        nouns_ho = {k: split(v) for k, v in ZH_NOUNS_HELDOUT.items()}
        mk = lambda fam, ns, mods, brands, people, roomw, n: zh_names(  # noqa: E731
            rng, ns, mods, brands, people, roomw, ZH_ROOM_NOUNS_OK[fam], all_cls, n)
        mods, mods_ho, brands, brands_ho = ZH_MODS, ZH_MODS_HELDOUT, ZH_BRANDS, ZH_BRANDS_HELDOUT
        people, people_ho = ZH_PEOPLE, ZH_PEOPLE_HELDOUT
        nums = zh_numbers(rng)
        colors, colors_ho = split(ZH_COLORS), split(ZH_COLORS_HELDOUT)
        ct, ct_ho = split(ZH_CT), split(ZH_CT_HELDOUT)
        hvac, hvac_ho = split(ZH_HVAC), split(ZH_HVAC_HELDOUT)
        sizes = dict(light=2000, switch=1800, fan=700, climate=800, cover=900, lock=700,
                     vacuum=400, sensor=500)
    all_cls = {w for ws in cls.values() for w in ws}
    # room words that may start a training name: rooms only (held-out rooms stay unseen)
    room_words = [a for a in areas if len(a.split()) <= 2 and "'" not in a] if lang == "en" else \
        [a for a in areas if len(a) <= 3]

    names_tr, names_ho = {}, {}
    for fam in sizes:
        names_tr[fam] = mk(fam, nouns[fam], mods, brands, people, room_words, sizes[fam])
        ho_nouns = nouns_ho[fam] + rng.sample(nouns[fam], min(6, len(nouns[fam])))
        names_ho[fam] = mk(fam, ho_nouns, mods_ho + rng.sample(mods, 5), brands_ho, people_ho,
                           rooms_ho, 150)
    ho_all = {n for v in names_ho.values() for n in v}
    # held-out names are never training names (of any family), and vice versa
    for fam in sizes:
        names_tr[fam] = [n for n in names_tr[fam] if n not in ho_all]
    tr_all = {n for v in names_tr.values() for n in v}
    for fam in sizes:
        names_ho[fam] = [n for n in names_ho[fam] if n not in tr_all]
    areas_ho = [a for a in areas_ho if a not in set(areas)]

    # generic name list: what turn_on/turn_off/toggle/get_state say without a family
    generic = []
    # only families that turn on/off: a vacuum, lock, cover or sensor name under turn_on would
    # teach the model that "turn on the roomba" is turn_on (it is vacuum_start)
    for fam, share in dict(light=0.42, switch=0.38, fan=0.1, climate=0.1).items():
        generic += names_tr[fam][: int(3000 * share)]
    generic = dedupe(generic)
    rng.shuffle(generic)
    generic_ho = dedupe([n for f in ("light", "switch", "fan", "climate") for n in names_ho[f][:100]])

    write(tr / "area.txt", areas, f"{lang} areas (rooms, floors, people's rooms)")
    write(ho / "area.txt", areas_ho, f"{lang} held-out areas: none of them is in {lang}/slots/area.txt")
    write(tr / "name.txt", generic, f"{lang} device names of every family (generic)")
    write(ho / "name.txt", generic_ho, f"{lang} held-out device names (generic)")
    for fam in sizes:
        write(tr / f"name@{fam}.txt", names_tr[fam], f"{lang} {fam} names")
        write(ho / f"name@{fam}.txt", names_ho[fam], f"{lang} held-out {fam} names")
    for fam, ws in cls.items():
        write(tr / f"device_class@{fam}.txt", ws, f"{lang} words for the {fam} device class")
        write(ho / f"device_class@{fam}.txt", ws, f"{lang} words for the {fam} device class (same closed set)")
    write(tr / "brightness.txt", nums["bright_tr"], f"{lang} absolute brightness")
    write(ho / "brightness.txt", nums["bright_ho"], f"{lang} held-out absolute brightness")
    write(tr / "brightness@step.txt", nums["step"], f"{lang} relative brightness amounts")
    write(ho / "brightness@step.txt", nums["step"], f"{lang} relative brightness amounts")
    write(tr / "position.txt", nums["pos_tr"], f"{lang} cover positions")
    write(ho / "position.txt", nums["pos_ho"], f"{lang} held-out cover positions")
    write(tr / "percentage.txt", nums["fan_tr"], f"{lang} fan speeds")
    write(ho / "percentage.txt", nums["fan_ho"], f"{lang} held-out fan speeds")
    write(tr / "temperature.txt", nums["temp_tr"], f"{lang} target temperatures")
    write(ho / "temperature.txt", nums["temp_ho"], f"{lang} held-out target temperatures")
    write(tr / "temperature@step.txt", nums["tstep"], f"{lang} relative temperature amounts")
    write(ho / "temperature@step.txt", nums["tstep"], f"{lang} relative temperature amounts")
    write(tr / "color.txt", colors, f"{lang} colours")
    write(ho / "color.txt", colors_ho + colors[::7], f"{lang} held-out colours")
    write(tr / "color_temp.txt", ct, f"{lang} colour temperatures")
    write(ho / "color_temp.txt", ct_ho + ct[::5], f"{lang} held-out colour temperatures")
    write(tr / "hvac_mode.txt", hvac, f"{lang} hvac modes")
    write(ho / "hvac_mode.txt", hvac_ho + hvac[::4], f"{lang} held-out hvac modes")


# --- issue 14: the newer components (numbers, selects, humidifiers, alarms, buttons, scenes) ---
# Small closed lists written out by hand: (training, held-out). Held-out names never occur in
# training lists. `value`, `option` and `arm_mode` are values, not names.
NEW_LISTS = {
    "en": {
        "name@number": (
            """desk height|standing desk height|desk|desk position|monitor arm height|motion sensitivity
            |sensor sensitivity|presence sensitivity|temperature calibration|temperature offset|auto off timer
            |off delay|occupancy timeout|led intensity|charge limit|charging current|charge current|feed amount
            |portion size|detection distance|detection range|target distance|water level target|shelf height
            |bed height|tv lift height|lift position|volume level|fade time|brightness offset|duration
            |run time|pump speed|fan delay|max current|boost duration""",
            """table height|drafting table height|radar sensitivity|thermostat offset|hold time|charge amps
            |kibble amount|projector lift height|cot height"""),
        "name@humidifier": (
            """humidifier|bedroom humidifier|dehumidifier|basement dehumidifier|nursery humidifier
            |dyson humidifier|xiaomi humidifier|air humidifier|mist maker|office humidifier|garage dehumidifier
            |living room humidifier|kids humidifier|laundry dehumidifier|plant humidifier|big humidifier
            |small dehumidifier|meaco dehumidifier|venta humidifier|emma's humidifier""",
            """cellar dehumidifier|levoit humidifier|crib humidifier|boneco humidifier|attic dehumidifier
            |greenhouse humidifier|studio dehumidifier"""),
        "name@select": (
            """desk|desk mode|standing desk|power-on behavior|power on behaviour|startup behaviour|fan mode
            |light effect|effect|operation mode|display mode|heating mode|preset|washing program|wash program
            |alarm sound|doorbell sound|chime tone|motion sensitivity level|led mode|camera mode|vacuum mode
            |suction level|mop mode|feeding mode|input source|sound mode|bed mode|recliner position""",
            """drafting table|blind mode|projector input|dryer program|ringtone|massage chair program
            |soundbar mode"""),
        "option": (
            """stand|standing|sit|sitting|eco|sleep|normal|boost|silent|quiet|previous|rainbow|candle
            |fireplace|party|comfort|manual|turbo|night|day|cotton|quick wash|high|low|medium|max|gentle
            |balanced|strong|mop only|vacuum and mop|tv|hdmi 1|bluetooth|movie|music|flat|zero gravity
            |memory 1|memory 2|position 1|position 2|restore|ding dong|westminster|breathe|blink|colorloop""",
            """aurora|gaming|delicates|hdmi 2|reading|standby|lounge|memory 3|wool|lullaby|strobe"""),
        "value": (
            None, None),  # generated below
        "arm_mode": (
            """away|home|night|vacation|stay|holiday|custom bypass|away mode|home mode|night mode""",
            """away|home|night|vacation|stay|holiday"""),
        "name@alarm": (
            """house alarm|home alarm|home security|ring alarm|shed alarm|garage alarm|main alarm
            |perimeter alarm|ajax alarm|downstairs alarm|office alarm|flat alarm|yale alarm|alarmo""",
            """barn alarm|workshop alarm|verisure|annex alarm|boathouse alarm"""),
        "device_class@alarm": (
            """alarm|alarms|alarm system|security system|security|burglar alarm|alarm panel|security alarm""",
            """alarm|alarms|alarm system|security system|security|burglar alarm|alarm panel|security alarm"""),
        "name@button": (
            """doorbell button|doorbell|restart button|reboot button|identify button|gate button|garage button
            |chime|bell|feeder button|feed button|open button|reset button|call button|panic button|test button
            |ring button|buzzer|gate buzzer|intercom button|printer restart|router reboot""",
            """front bell|porch buzzer|kibble button|hatch button|lobby buzzer|modem restart"""),
        "name@scene": (
            """movie time|movie night|relax|relax mode|reading|dinner|good night|good morning|party|romantic
            |cozy|focus|bedtime|wake up|tv time|gaming|dinner party|bright|concentrate|energize|nightlight
            |welcome home|leaving home|morning routine|evening|cinema|date night|kids bedtime""",
            """concert|sunday brunch|yoga|candlelit|storytime|sunset glow|karaoke"""),
    },
    "zh": {
        "name@number": (
            """桌子高度|升降桌高度|书桌高度|升降桌|人体感应灵敏度|灵敏度|感应灵敏度|温度校准|温度偏移|关灯延时|延时时间|超时时间
            |充电电流|充电上限|投喂量|出粮量|检测距离|感应距离|水位|床的高度|电视升降高度|音量大小|运行时长|水泵转速|定时时长""",
            """餐桌高度|门磁灵敏度|雷达灵敏度|儿童锁时长|晾衣架高度|猫粮份量"""),
        "name@humidifier": (
            """加湿器|卧室加湿器|除湿机|地下室除湿机|小米加湿器|米家加湿器|香薰机|雾化器|客厅加湿器|抽湿机|除湿器|书房加湿器
            |大加湿器|小加湿器|宝宝加湿器|衣帽间除湿机|德龙除湿机|美的加湿器""",
            """桌面加湿器|德尔玛加湿器|阁楼除湿机|琴房加湿器|酒窖除湿机"""),
        "name@select": (
            """桌子模式|升降桌模式|升降桌|书桌|上电状态|通电行为|灯效|灯光效果|工作模式|风扇模式|洗衣程序|显示模式|提示音|门铃铃声
            |吸力档位|拖地模式|出粮模式|输入源|音效模式|床的模式|按摩模式""",
            """投影仪信号源|烘干程序|晾衣架模式|沙发模式|音响音效"""),
        "option": (
            """站立|站姿|坐姿|坐着|节能|睡眠|正常|强力|静音|记忆|彩虹|烛光|派对|舒适|手动|夜间|白天|棉麻|快洗|高|低|中|最大
            |柔和|标准|强劲|只拖地|扫拖一体|电视|蓝牙|电影|音乐|平躺|零重力|记忆一|记忆二|位置一|位置二|恢复断电前状态|叮咚|呼吸|闪烁""",
            """游戏|轻柔|羊毛|摇篮曲|频闪|阅读|待机|记忆三"""),
        "value": (None, None),
        "arm_mode": (
            """离家|在家|夜间|睡眠|度假|外出|留守|全部""",
            """离家|在家|夜间|睡眠|度假|外出"""),
        "name@alarm": (
            """家庭警报|安防主机|门口警报|车库警报|报警器|米家安防|家里的警报|仓库警报|店铺警报|一楼警报|别墅安防""",
            """工作室警报|谷仓警报|门卫安防|后院警报"""),
        "device_class@alarm": (
            """警报|安防|安防系统|报警系统|防盗系统|警戒|报警|防盗报警|警报系统""",
            """警报|安防|安防系统|报警系统|防盗系统|警戒|报警|防盗报警|警报系统"""),
        "name@button": (
            """门铃按钮|门铃|重启按钮|喂食按钮|开门按钮|车库按钮|识别按钮|复位按钮|呼叫按钮|紧急按钮|测试按钮|出粮按钮|路由器重启
            |大门按钮|对讲按钮""",
            """前门门铃|楼道按钮|猫砂盆按钮|投喂键|光猫重启"""),
        "name@scene": (
            """观影模式|电影模式|回家模式|离家模式|睡眠模式|阅读模式|晚餐模式|聚会模式|起床模式|浪漫模式|影院模式|会客模式|休闲模式
            |晚安模式|早安模式|用餐模式|游戏模式|看电视|专注模式|夜灯模式|烛光晚餐|放松模式""",
            """下午茶模式|瑜伽模式|K歌模式|亲子模式|冥想模式"""),
    },
}


def new_values(lang: str, rng: random.Random) -> tuple[list[str], list[str]]:
    """`value`: numbers for number entities and target humidities (units and percents kept)."""
    tr, ho = [], []
    for n in range(0, 131):
        if lang == "en":
            forms = [str(n), f"{n} %", f"{n}%", f"{n} percent", f"{n} cm", f"{n} centimeters",
                     f"{n} seconds", f"{n} minutes"]
            if n <= 99:
                forms.append(en_words(n, hyphen=rng.random() < 0.5))
        elif n > 99:
            forms = [str(n), f"{n}厘米", f"{n}%"]
        else:
            forms = [str(n), f"{n}%", f"百分之{zh_words(n)}", f"{n}厘米", f"{zh_words(n)}厘米", f"{n}秒",
                     f"{zh_words(n)}", f"{n}分钟"]
        for f in forms:
            (ho if rng.random() < 0.15 else tr).append(f)
    tr += ["95.5", "72.5", "0.5", "1.5"] if lang == "en" else ["95.5", "七十二点五", "0.5"]
    return dedupe(tr), dedupe(ho)


def build_new(lang: str) -> None:
    rng = random.Random(f"{SEED}-{lang}-new")
    tr = ROOT / lang / "slots"
    ho = ROOT / "heldout" / lang / "slots"
    for key, (train, held) in NEW_LISTS[lang].items():
        if key == "value":
            values, values_ho = new_values(lang, rng)
        else:
            values, values_ho = dedupe(split(train)), dedupe(split(held))
        write(tr / f"{key}.txt", values, f"{lang} {key} (issue 14: newer components)")
        write(ho / f"{key}.txt", values_ho, f"{lang} held-out {key} (issue 14: newer components)")


def main() -> None:
    for lang in ("en", "zh"):
        build_lang(lang)
        build_new(lang)


if __name__ == "__main__":
    main()
