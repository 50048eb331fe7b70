"""GİB code lists (UBL-TR Kod Listeleri V1.40, schematron codelists 20260312 and 20260701) as Python data.

The schematron enforces these values, so builders and pre-flight rules check against them before a
document leaves; ``test_builders_codes`` compares them with each release's codelist. Where a release
changed a list (exemption 233, YTB-only 308/339, plate and trailer schemes, IADE under KAMU), a function
takes the release; :func:`release_for` names the release in force on an IssueDate. Names come from the
official PDF, with its extraction breaks repaired; GİB publishes no names for codes added after V1.40, so
those carry ``None``.
"""

import datetime as dt
import re
from enum import StrEnum
from fractions import Fraction


class ProfileID(StrEnum):
    TEMELFATURA = "TEMELFATURA"
    TICARIFATURA = "TICARIFATURA"
    YOLCUBERABERFATURA = "YOLCUBERABERFATURA"
    IHRACAT = "IHRACAT"
    OZELFATURA = "OZELFATURA"
    KAMU = "KAMU"
    HKS = "HKS"
    ENERJI = "ENERJI"
    ILAC_TIBBICIHAZ = "ILAC_TIBBICIHAZ"
    YATIRIMTESVIK = "YATIRIMTESVIK"
    IDIS = "IDIS"
    EARSIVFATURA = "EARSIVFATURA"


EINVOICE_PROFILES = frozenset(p for p in ProfileID if p is not ProfileID.EARSIVFATURA)


class DespatchProfileID(StrEnum):
    TEMELIRSALIYE = "TEMELIRSALIYE"
    HKSIRSALIYE = "HKSIRSALIYE"
    IDISIRSALIYE = "IDISIRSALIYE"


class InvoiceTypeCode(StrEnum):
    SATIS = "SATIS"
    IADE = "IADE"
    TEVKIFAT = "TEVKIFAT"
    TEVKIFATIADE = "TEVKIFATIADE"
    ISTISNA = "ISTISNA"
    OZELMATRAH = "OZELMATRAH"
    IHRACKAYITLI = "IHRACKAYITLI"
    SGK = "SGK"
    KOMISYONCU = "KOMISYONCU"
    HKSSATIS = "HKSSATIS"
    HKSKOMISYONCU = "HKSKOMISYONCU"
    KONAKLAMAVERGISI = "KONAKLAMAVERGISI"
    SARJ = "SARJ"
    SARJANLIK = "SARJANLIK"
    TEKNOLOJIDESTEK = "TEKNOLOJIDESTEK"
    YTBSATIS = "YTBSATIS"
    YTBIADE = "YTBIADE"
    YTBISTISNA = "YTBISTISNA"
    YTBTEVKIFAT = "YTBTEVKIFAT"
    YTBTEVKIFATIADE = "YTBTEVKIFATIADE"


class DespatchAdviceTypeCode(StrEnum):
    SEVK = "SEVK"
    MATBUDAN = "MATBUDAN"


class ReceiptAdviceTypeCode(StrEnum):
    SEVK = "SEVK"


class ResponseCode(StrEnum):
    KABUL = "KABUL"
    RED = "RED"
    IADE = "IADE"
    S_APR = "S_APR"
    GUMRUKONAY = "GUMRUKONAY"


class SendType(StrEnum):
    """How an e-Arşiv invoice reaches the buyer."""

    ELEKTRONIK = "ELEKTRONIK"
    KAGIT = "KAGIT"


_T = InvoiceTypeCode
_RETURNS = frozenset({_T.IADE, _T.TEVKIFATIADE, _T.YTBIADE, _T.YTBTEVKIFATIADE})
_GENERAL = frozenset(
    {
        _T.SATIS,
        _T.TEVKIFAT,
        _T.TEVKIFATIADE,
        _T.ISTISNA,
        _T.OZELMATRAH,
        _T.IHRACKAYITLI,
        _T.SGK,
        _T.KOMISYONCU,
        _T.KONAKLAMAVERGISI,
    }
)
_YTB_GENERAL = frozenset({_T.SATIS, _T.ISTISNA, _T.IADE, _T.TEVKIFAT, _T.TEVKIFATIADE})

RETURN_TYPES = _RETURNS
# WithholdingTaxTotal is only allowed on these types; TEVKIFATIADE reports the withheld KDV as tax 9015.
WITHHOLDING_TYPES = frozenset(
    {_T.TEVKIFAT, _T.YTBTEVKIFAT, _T.IADE, _T.YTBIADE, _T.SGK, _T.SARJ, _T.SARJANLIK}
)

KDV = "0015"
KDV_WITHHOLDING = "9015"
ACCOMMODATION_TAX = "0059"
STAMP_TAX = "1047"
OTV_CODES = frozenset({"0071", "0073", "0074", "0075", "0076", "0077", "9077"})
KDV_RATES = (0, 1, 10, 20)


class ExemptionKind(StrEnum):
    TAM_ISTISNA = "TAM_ISTISNA"
    KISMI_ISTISNA = "KISMI_ISTISNA"
    OTV_ISTISNA = "OTV_ISTISNA"
    KONAKLAMA_VERGISI_ISTISNA = "KONAKLAMA_VERGISI_ISTISNA"
    OZEL_MATRAH = "OZEL_MATRAH"
    IHRAC_KAYITLI = "IHRAC_KAYITLI"
    OTHER = "OTHER"


TAX_TYPE_NAMES = {
    "0003": ("Gelir Vergisi Stopajı", "GV STOPAJI"),
    "0011": ("Kurumlar Vergisi Stopajı", "KV STOPAJI"),
    "0015": ("Gerçek Usulde Katma Değer Vergisi", "KDV GERCEK"),
    "0021": ("Banka Muameleleri Vergisi", "BMV"),
    "0022": ("Sigorta Muameleleri Vergisi", "SMV"),
    "0061": ("Kaynak Kullanımı Destekleme Fonu Kesintisi", "KKDF KESİNTİ"),
    "0071": ("Petrol Ve Doğalgaz Ürünlerine İlişkin Özel Tüketim Vergisi", "ÖTV 1.LİSTE"),
    "0073": (
        "Kolalı Gazoz, Alkollü İçeçekler Ve Tütün Mamüllerine İlişkin Özel Tüketim Vergisi",
        "ÖTV 3.LİSTE",
    ),
    "0074": ("Dayanıklı Tüketim Ve Diğer Mallara İlişkin Özel Tüketim Vergisi", "ÖTV 4.LİSTE"),
    "0075": ("Alkollü İçeçeklere İlişkin Özel Tüketim Vergisi", "ÖTV 3A LİSTE"),
    "0076": ("Tütün Mamüllerine İlişkin Özel Tüketim Vergisi", "ÖTV 3B LİSTE"),
    "0077": ("Kolalı Gazozlara İlişkin Özel Tüketim Vergisi", "ÖTV 3C LİSTE"),
    "1047": ("Damga Vergisi", "DAMGA V"),
    "1048": ("5035 Sayılı Kanuna Göre Damga Vergisi", "5035SKDAMGAV"),
    "4071": ("Elektrik Ve Havagazi Tüketim Vergisi", "ELK.HAVAGAZ.TÜK.VER."),
    "4080": ("Özel İletişim Vergisi", "Ö.İLETİŞİM V"),
    "4081": ("5035 Sayılı Kanuna Göre Özel İletişim Vergisi", "5035ÖZİLE TV."),
    "4171": ("Petrol Ve Doğalgaz Ürünlerine İlişkin Ötv Tevkifatı", "PTR-DGZ ÖTV TEVKİFAT"),
    "8001": ("Borsa Tescil Ücreti", "BORSA TES.ÜC."),
    "8002": ("Enerji Fonu", "ENERJİ FONU"),
    "8004": ("Trt Payı", "TRT PAYI"),
    "8005": ("Elektrik Tüketim Vergisi", "ELK.TÜK.VER."),
    "8006": ("Telsiz Kullanım Ücreti", "TK KULLANIM"),
    "8007": ("Telsiz Ruhsat Ücreti", "TK RUHSAT"),
    "8008": ("Çevre Temizlik Vergisi", "ÇEV. TEM. VER."),
    "9021": ("4961 Banka Sigorta Muameleleri Vergisi", "4961BANKASMV"),
    "9040": ("Mera Fonu", "MERA FONU"),
    "9077": ("Motorlu Taşıt Araçlarına İlişkin Özel Tüketim Vergisi (Tescile Tabi Olanlar)", "ÖTV 2.LİSTE"),
    "9944": ("Belediyelere Ödenen Hal Rüsumu", "BEL.ÖD.HAL RÜSUM"),
}
WITHHOLDING_NAMES = {
    "601": (
        "Yapım İşleri İle Bu İşlerle Birlikte İfa Edilen Mühendislik-Mimarlık ve Etüt-Proje Hizmetleri",
        Fraction(4, 10),
    ),
    "602": ("Etüt, Plan-Proje, Danışmanlık, Denetim Ve Benzeri Hizmetler", Fraction(9, 10)),
    "603": ("Makine, Teçhizat, Demirbaş Ve Taşıtlara Ait Tadil, Bakım ve Onarım Hizmetleri", Fraction(7, 10)),
    "604": ("Yemek Servis Hizmeti", Fraction(5, 10)),
    "605": ("Organizasyon Hizmeti", Fraction(5, 10)),
    "606": ("İşgücü Temin Hizmetleri", Fraction(9, 10)),
    "607": ("Özel Güvenlik Hizmeti", Fraction(9, 10)),
    "608": ("Yapı Denetim Hizmetleri", Fraction(9, 10)),
    "609": (
        (
            "Fason Olarak Yaptırılan Tekstil Ve Konfeksiyon İşleri, Çanta Ve Ayakkabı Dikim İşleri Ve Bu "
            "İşlere Aracılık Hizmetleri"
        ),
        Fraction(7, 10),
    ),
    "610": ("Turistik Mağazalara Verilen Müşteri Bulma / Götürme Hizmetleri", Fraction(9, 10)),
    "611": ("Spor Kulüplerinin Yayın, Reklâm Ve İsim Hakkı Gelirlerine Konu İşlemleri", Fraction(9, 10)),
    "612": ("Temizlik Hizmeti", Fraction(9, 10)),
    "613": ("Çevre ve Bahçe Bakım Hizmetleri", Fraction(9, 10)),
    "614": ("Servis Taşımacılığı Hizmeti", Fraction(5, 10)),
    "615": ("Her Türlü Baskı ve Basım Hizmetleri", Fraction(7, 10)),
    "616": ("Diğer Hizmetler [KDVGUT-(I/C-2.1.3.2.13)]", Fraction(5, 10)),
    "617": ("Hurda Metalden Elde Edilen Külçe Teslimleri", Fraction(7, 10)),
    "618": (
        (
            "Hurda Metalden Elde Edilenler Dışındaki Bakır, Çinko, Demir Çelik, Alüminyum Ve Kurşun Külçe "
            "Teslimleri [KDVGUT-(I/C-2.1.3.3.1)]"
        ),
        Fraction(7, 10),
    ),
    "619": ("Bakır, Çinko Ve Alüminyum Ürünlerinin Teslimi", Fraction(7, 10)),
    "620": ("İstisnadan Vazgeçenlerin Hurda Ve Atık Teslimi", Fraction(7, 10)),
    "621": (
        "Metal, Plastik, Lastik, Kauçuk, Kâğıt ve Cam Hurda ve Atıklardan Elde Edilen Hammadde Teslimi",
        Fraction(9, 10),
    ),
    "622": ("Pamuk, Tiftik, Yün Ve Yapağı İle Ham Post Ve Deri Teslimleri", Fraction(9, 10)),
    "623": ("Ağaç Ve Orman Ürünleri Teslimi", Fraction(5, 10)),
    "624": ("Yük Taşımacılığı Hizmeti [KDVGUT-(I/C-2.1.3.2.11)]", Fraction(2, 10)),
    "625": ("Ticari Reklam Hizmetleri [KDVGUT-(I/C-2.1.3.2.15)]", Fraction(3, 10)),
    "626": ("Diğer Teslimler [KDVGUT-(I/C-2.1.3.3.7.)]", Fraction(2, 10)),
    "627": ("Demir-Çelik Ürünlerinin Teslimi [KDVGUT-(I/C-2.1.3.3.8)]", Fraction(5, 10)),
    "801": (
        (
            "Yapım İşleri ile Bu İşlerle Birlikte İfa Edilen Mühendislik-Mimarlık ve Etüt-Proje "
            "Hizmetleri[KDVGUT-(I/C-2.1.3.2.1)]"
        ),
        Fraction(10, 10),
    ),
    "802": (
        "Etüt, Plan-Proje, Danışmanlık, Denetim ve Benzeri Hizmetler[KDVGUT-(I/C-2.1.3.2.2)]",
        Fraction(10, 10),
    ),
    "803": (
        (
            "Makine, Teçhizat, Demirbaş ve Taşıtlara Ait Tadil, Bakım ve Onarım "
            "Hizmetleri[KDVGUT-(I/C-2.1.3.2.3)]"
        ),
        Fraction(10, 10),
    ),
    "804": ("Yemek Servis Hizmeti[KDVGUT-(I/C-2.1.3.2.4)]", Fraction(10, 10)),
    "805": ("Organizasyon Hizmeti[KDVGUT-(I/C-2.1.3.2.4)]", Fraction(10, 10)),
    "806": ("İşgücü Temin Hizmetleri[KDVGUT-(I/C-2.1.3.2.5)]", Fraction(10, 10)),
    "807": ("Özel Güvenlik Hizmeti[KDVGUT-(I/C-2.1.3.2.5)]", Fraction(10, 10)),
    "808": ("Yapı Denetim Hizmetleri[KDVGUT-(I/C-2.1.3.2.6)]", Fraction(10, 10)),
    "809": (
        (
            "Fason Olarak Yaptırılan Tekstil ve Konfeksiyon İşleri, Çanta ve Ayakkabı Dikim İşleri ve Bu "
            "İşlere Aracılık Hizmetleri[KDVGUT-(I/C-2.1.3.2.7)]"
        ),
        Fraction(10, 10),
    ),
    "810": (
        "Turistik Mağazalara Verilen Müşteri Bulma/ Götürme Hizmetleri[KDVGUT-(I/C-2.1.3.2.8)]",
        Fraction(10, 10),
    ),
    "811": (
        ("Spor Kulüplerinin Yayın, Reklâm ve İsim Hakkı Gelirlerine Konu İşlemleri[KDVGUT-(I/C-2.1.3.2.9)]"),
        Fraction(10, 10),
    ),
    "812": ("Temizlik Hizmeti[KDVGUT-(I/C-2.1.3.2.10)]", Fraction(10, 10)),
    "813": ("Çevre ve Bahçe Bakım Hizmetleri[KDVGUT-(I/C-2.1.3.2.10)]", Fraction(10, 10)),
    "814": ("Servis Taşımacılığı Hizmeti[KDVGUT-(I/C-2.1.3.2.11)]", Fraction(10, 10)),
    "815": ("Her Türlü Baskı ve Basım Hizmetleri[KDVGUT-(I/C-2.1.3.2.12)]", Fraction(10, 10)),
    "816": ("Hurda Metalden Elde Edilen Külçe Teslimleri[KDVGUT-(I/C-2.1.3.3.1)]", Fraction(10, 10)),
    "817": (
        (
            "Hurda Metalden Elde Edilenler Dışındaki Bakır, Çinko, Demir Çelik, Alüminyum ve Kurşun Külçe "
            "Teslimi [KDVGUT-(I/C-2.1.3.3.1)]"
        ),
        Fraction(10, 10),
    ),
    "818": (
        "Bakır, Çinko, Alüminyum ve Kurşun Ürünlerinin Teslimi[KDVGUT-(I/C-2.1.3.3.2)]",
        Fraction(10, 10),
    ),
    "819": ("İstisnadan Vazgeçenlerin Hurda ve Atık Teslimi[KDVGUT-(I/C-2.1.3.3.3)]", Fraction(10, 10)),
    "820": (
        (
            "Metal, Plastik, Lastik, Kauçuk, Kâğıt ve Cam Hurda ve Atıklardan Elde Edilen Hammadde "
            "Teslimi[KDVGUT-(I/C-2.1.3.3.4)]"
        ),
        Fraction(10, 10),
    ),
    "821": (
        "Pamuk, Tiftik, Yün ve Yapağı İle Ham Post ve Deri Teslimleri[KDVGUT-(I/C-2.1.3.3.5)]",
        Fraction(10, 10),
    ),
    "822": ("Ağaç ve Orman Ürünleri Teslimi[KDVGUT-(I/C-2.1.3.3.6)]", Fraction(10, 10)),
    "823": ("Yük Taşımacılığı Hizmeti [KDVGUT-(I/C-2.1.3.2.11)]", Fraction(10, 10)),
    "824": ("Ticari Reklam Hizmetleri [KDVGUT-(I/C-2.1.3.2.15)]", Fraction(10, 10)),
    "825": ("Demir-Çelik Ürünlerinin Teslimi [KDVGUT-(I/C-2.1.3.3.8)]", Fraction(10, 10)),
}
EXEMPTIONS = {
    "201": (ExemptionKind.KISMI_ISTISNA, "17/1 Kültür ve Eğitim Amacı Taşıyan İşlemler"),
    "202": (ExemptionKind.KISMI_ISTISNA, "17/2-a Sağlık, Çevre Ve Sosyal Yardım Amaçlı İşlemler"),
    "204": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "17/2-c Yabancı Diplomatik Organ Ve Hayır Kurumlarının Yapacakları Bağışlarla İlgili Mal Ve "
            "Hizmet Alışları"
        ),
    ),
    "205": (
        ExemptionKind.KISMI_ISTISNA,
        "17/2-d Taşınmaz Kültür Varlıklarına İlişkin Teslimler ve Mimarlık Hizmetleri",
    ),
    "206": (ExemptionKind.KISMI_ISTISNA, "17/2-e Mesleki Kuruluşların İşlemleri"),
    "207": (ExemptionKind.KISMI_ISTISNA, "17/3 Askeri Fabrika, Tersane ve Atölyelerin İşlemleri"),
    "208": (ExemptionKind.KISMI_ISTISNA, "17/4-c Birleşme, Devir, Dönüşüm ve Bölünme İşlemleri"),
    "209": (
        ExemptionKind.KISMI_ISTISNA,
        "17/4-e Banka ve Sigorta Muameleleri Vergisi Kapsamına Giren İşlemler",
    ),
    "211": (
        ExemptionKind.KISMI_ISTISNA,
        "17/4-h Zirai Amaçlı Su Teslimleri İle Köy Tüzel Kişiliklerince Yapılan İçme Suyu teslimleri",
    ),
    "212": (ExemptionKind.KISMI_ISTISNA, "17/4-ı Serbest Bölgelerde Verilen Hizmetler"),
    "213": (ExemptionKind.KISMI_ISTISNA, "17/4-j Boru Hattı İle Yapılan Petrol Ve Gaz Taşımacılığı"),
    "214": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "17/4-k Organize Sanayi Bölgelerindeki Arsa ve İşyeri Teslimleri İle Konut Yapı "
            "Kooperatiflerinin Üyelerine Konut Teslimleri"
        ),
    ),
    "215": (ExemptionKind.KISMI_ISTISNA, "17/4-l Varlık Yönetim Şirketlerinin İşlemleri"),
    "216": (ExemptionKind.KISMI_ISTISNA, "17/4-m Tasarruf Mevduatı Sigorta Fonunun İşlemleri"),
    "217": (
        ExemptionKind.KISMI_ISTISNA,
        "17/4-n Basın-Yayın ve Enformasyon Genel Müdürlüğüne Verilen Haber Hizmetleri",
    ),
    "218": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "KDV 17/4-o md. Gümrük Antrepoları, Geçici Depolama Yerleri ile Gümrüklü Sahalarda Vergisiz "
            "Satış Yapılan İşyeri, Depo ve Ardiye Gibi Bağımsız Birimlerin Kiralanması"
        ),
    ),
    "219": (ExemptionKind.KISMI_ISTISNA, "17/4-p Hazine ve Arsa Ofisi Genel Müdürlüğünün işlemleri"),
    "220": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "17/4-r İki Tam Yıl Süreyle Sahip Olunan Taşınmaz ve İştirak Hisseleri ile 15/7/2023 tarihinden"
            " önce kurumların aktifinde kayıtlı Taşınmaz satışı"
        ),
    ),
    "221": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "Geçici 15 Konut Yapı Kooperatifleri, Belediyeler ve Sosyal Güvenlik Kuruluşlarına Verilen "
            "İnşaat Taahhüt Hizmeti"
        ),
    ),
    "223": (ExemptionKind.KISMI_ISTISNA, "Geçici 20/1 Teknoloji Geliştirme Bölgelerinde Yapılan İşlemler"),
    "225": (
        ExemptionKind.KISMI_ISTISNA,
        "Geçici 23 Milli Eğitim Bakanlığına Yapılan Bilgisayar Bağışları İle İlgili Teslimler",
    ),
    "226": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "17/2-b Özel Okulları, Üniversite ve Yüksekokullar Tarafından Verilen Bedelsiz Eğitim Ve "
            "Öğretim Hizmetleri"
        ),
    ),
    "227": (
        ExemptionKind.KISMI_ISTISNA,
        "17/2-b Kanunların Gösterdiği Gerek Üzerine Bedelsiz Olarak Yapılan Teslim ve Hizmetler",
    ),
    "228": (
        ExemptionKind.KISMI_ISTISNA,
        ("17/2-b Kanunun (17/1) Maddesinde Sayılan Kurum ve Kuruluşlara Bedelsiz Olarak Yapılan Teslimler"),
    ),
    "229": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "17/2-b Gıda Bankacılığı Faaliyetinde Bulunan Dernek ve Vakıflara Bağışlanan Gıda, Temizlik, "
            "Giyecek ve Yakacak Maddeleri"
        ),
    ),
    "230": (ExemptionKind.KISMI_ISTISNA, "17/4-g Külçe Altın, Külçe Gümüş ve Kıymetli Taşların Teslimi"),
    "231": (
        ExemptionKind.KISMI_ISTISNA,
        "17/4-g Metal Plastik, Lastik, Kauçuk, Kağıt, Cam Hurda ve Atıkların Teslimi",
    ),
    "232": (
        ExemptionKind.KISMI_ISTISNA,
        "17/4-g Döviz, Para, Damga Pulu, Değerli Kağıtlar, Hisse Senedi ve Tahvil Teslimleri",
    ),
    "234": (
        ExemptionKind.KISMI_ISTISNA,
        "17/4-ş Konut Finansmanı Amacıyla Teminat Gösterilen ve İpotek Konulan Konutların Teslimi",
    ),
    "235": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "16/1-c Transit ve Gümrük Antrepo Rejimleri İle Geçici Depolama ve Serbest Bölge Hükümlerinin "
            "Uygulandığı Malların Teslimi"
        ),
    ),
    "236": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "19/2 Usulüne Göre Yürürlüğe Girmiş Uluslararası Anlaşmalar Kapsamındaki İstisnalar (İade Hakkı"
            " Tanınmayan)"
        ),
    ),
    "237": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "17/4-t 5300 Sayılı Kanuna Göre Düzenlenen Ürün Senetlerinin İhtisas/Ticaret Borsaları "
            "Aracılığıyla İlk Teslimlerinden Sonraki Teslim"
        ),
    ),
    "238": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "17/4-u Varlıkların Varlık Kiralama Şirketlerine Devri İle Bu Varlıkların Varlık Kiralama "
            "Şirketlerince Kiralanması ve Devralınan Kuruma Devri"
        ),
    ),
    "239": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "17/4-y Taşınmazların Finansal Kiralama Şirketlerine Devri, Finansal Kiralama Şirketi "
            "Tarafından Devredene Kiralanması ve Devri"
        ),
    ),
    "240": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "17/4-z Patentli Veya Faydalı Model Belgeli Buluşa İlişkin Gayri Maddi Hakların Kiralanması, "
            "Devri ve Satışı"
        ),
    ),
    "241": (
        ExemptionKind.KISMI_ISTISNA,
        "TürkAkım Gaz Boru Hattı Projesine İlişkin Anlaşmanın (9/b) Maddesinde Yer Alan Hizmetler",
    ),
    "242": (
        ExemptionKind.KISMI_ISTISNA,
        (
            "KDV 17/4-ö md. Gümrük Antrepoları, Geçici Depolama Yerleri ile Gümrüklü Sahalarda, İthalat ve "
            "İhracat İşlemlerine konu mallar ile transit rejim kapsamında işlem gören mallar için verilen "
            "ardiye, depolama ve terminal hizmetleri"
        ),
    ),
    "250": (ExemptionKind.KISMI_ISTISNA, "Diğerleri"),
    "301": (ExemptionKind.TAM_ISTISNA, "11/1-a Mal İhracatı"),
    "302": (ExemptionKind.TAM_ISTISNA, "11/1-a Hizmet İhracatı"),
    "303": (ExemptionKind.TAM_ISTISNA, "11/1-a Roaming Hizmetleri"),
    "304": (
        ExemptionKind.TAM_ISTISNA,
        "13/a Deniz Hava ve Demiryolu Taşıma Araçlarının Teslimi İle İnşa, Tadil, Bakım ve Onarımları",
    ),
    "305": (
        ExemptionKind.TAM_ISTISNA,
        "13/b Deniz ve Hava Taşıma Araçları İçin Liman Ve Hava Meydanlarında Yapılan Hizmetler",
    ),
    "306": (
        ExemptionKind.TAM_ISTISNA,
        (
            "13/c Petrol Aramaları ve Petrol Boru Hatlarının İnşa ve Modernizasyonuna İlişkin Yapılan "
            "Teslim ve Hizmetler"
        ),
    ),
    "307": (
        ExemptionKind.TAM_ISTISNA,
        (
            "13/c Maden Arama, Altın, Gümüş ve Platin Madenleri İçin İşletme, Zenginleştirme Ve Rafinaj "
            "Faaliyetlerine İlişkin Teslim Ve Hizmetler[KDVGUT-(II/8-4)]"
        ),
    ),
    "308": (ExemptionKind.TAM_ISTISNA, "13/d Teşvikli Yatırım Mallarının Teslimi"),
    "309": (
        ExemptionKind.TAM_ISTISNA,
        "13/e Liman Ve Hava Meydanlarının İnşası, Yenilenmesi Ve Genişletilmesi",
    ),
    "310": (ExemptionKind.TAM_ISTISNA, "13/f Ulusal Güvenlik Amaçlı Teslim ve Hizmetler"),
    "311": (ExemptionKind.TAM_ISTISNA, "14/1 Uluslararası Taşımacılık"),
    "312": (ExemptionKind.TAM_ISTISNA, "15/a Diplomatik Organ Ve Misyonlara Yapılan Teslim ve Hizmetler"),
    "313": (ExemptionKind.TAM_ISTISNA, "15/b Uluslararası Kuruluşlara Yapılan Teslim ve Hizmetler"),
    "314": (
        ExemptionKind.TAM_ISTISNA,
        "19/2 Usulüne Göre Yürürlüğe Girmiş Uluslar Arası Anlaşmalar Kapsamındaki İstisnalar",
    ),
    "315": (
        ExemptionKind.TAM_ISTISNA,
        "14/3 İhraç Konusu Eşyayı Taşıyan Kamyon, Çekici ve Yarı Romorklara Yapılan Motorin Teslimleri",
    ),
    "316": (
        ExemptionKind.TAM_ISTISNA,
        "11/1-a Serbest Bölgelerdeki Müşteriler İçin Yapılan Fason Hizmetler",
    ),
    "317": (
        ExemptionKind.TAM_ISTISNA,
        (
            "17/4-s Engellilerin Eğitimleri, Meslekleri ve Günlük Yaşamlarına İlişkin Araç-Gereç ve "
            "Bilgisayar Programları"
        ),
    ),
    "318": (
        ExemptionKind.TAM_ISTISNA,
        (
            "Geçici 29 3996 Sayılı Kanuna Göre Yap-İşlet-Devret Modeli Çerçevesinde Gerçekleştirilecek "
            "Projeler, 3359 Sayılı Kanuna Göre Kiralama Karşılığı Yaptırılan Sağlık Tesislerine İlişkin "
            "Projeler ve 652 Sayılı Kanun Hükmünde Kararnameye Göre Kiralama Karşılığı Yaptırılan Eğitim "
            "Öğretim Tesislerine İlişkin Projelere İlişkin Teslim ve Hizmetler"
        ),
    ),
    "319": (ExemptionKind.TAM_ISTISNA, "13/g Başbakanlık Merkez Teşkilatına Yapılan Araç Teslimleri"),
    "320": (
        ExemptionKind.TAM_ISTISNA,
        (
            "Geçici 16 (6111 sayılı K.) İSMEP Kapsamında İstanbul İl Özel İdaresi'ne Bağlı Olarak Faaliyet "
            'Gösteren "İstanbul Proje Koordinasyon Birimi"ne Yapılacak Teslim ve Hizmetler'
        ),
    ),
    "321": (
        ExemptionKind.TAM_ISTISNA,
        (
            "Geçici 26 Birleşmiş Milletler (BM) ile Kuzey Atlantik Antlaşması Teşkilatı (NATO) "
            "Temsilcilikleri ve Bu Teşkilatlara Bağlı Program, Fon ve Özel İhtisas Kuruluşları ile İktisadi"
            " İşbirliği ve Kalkınma Teşkilatına (OECD) Resmi Kullanımları İçin Yapılacak Mal Teslimi ve "
            "Hizmet İfaları, Bunların Sosyal ve Ekonomik Yardım Amacıyla Bedelsiz Olarak Yapacakları Mal "
            "Teslimi ve Hizmet İfaları İle İlgili Bunlara Yapılan Mal Teslimi ve Hizmet İfaları"
        ),
    ),
    "322": (
        ExemptionKind.TAM_ISTISNA,
        "11/1-a Türkiye'de İkamet Etmeyenlere Özel Fatura ile Yapılan Teslimler (Bavul Ticareti)",
    ),
    "323": (
        ExemptionKind.TAM_ISTISNA,
        (
            "13/ğ 5300 Sayılı Kanuna Göre Düzenlenen Ürün Senetlerinin İhtisas/Ticaret Borsaları "
            "Aracılığıyla İlk Teslimi"
        ),
    ),
    "324": (
        ExemptionKind.TAM_ISTISNA,
        (
            "13/h Türkiye Kızılay Derneğine Yapılan Teslim ve Hizmetler ile Türkiye Kızılay Derneğinin "
            "Teslim ve Hizmetleri"
        ),
    ),
    "325": (ExemptionKind.TAM_ISTISNA, "13/ı Yem Teslimleri"),
    "326": (
        ExemptionKind.TAM_ISTISNA,
        "13/ı Gıda, Tarım ve Hayvancılık Bakanlığı Tarafından Tescil Edilmiş Gübrelerin Teslimi",
    ),
    "327": (
        ExemptionKind.TAM_ISTISNA,
        (
            "13/ı Gıda, Tarım ve Hayvancılık Bakanlığı Tarafından Tescil Edilmiş Gübrelerin İçeriğinde "
            "Bulunan Hammaddelerin Gübre Üreticilerine Teslimi"
        ),
    ),
    "328": (ExemptionKind.TAM_ISTISNA, "13/i Konut veya İşyeri Teslimleri"),
    "329": (
        ExemptionKind.TAM_ISTISNA,
        (
            "Eğitimde Fırsatları Artırma ve Teknolojiyi İyileştirme Hareketi (FATİH) projesi Kapsamında "
            "Milli Eğitim Bakanlığına Yapılacak Mal Teslimi ve Hizmet İfası"
        ),
    ),
    "330": (
        ExemptionKind.TAM_ISTISNA,
        (
            "KDV 13/j md. Organize Sanayi Bölgeleri ile Küçük Sanayi Sitelerinin İnşasına İlişkin Teslim "
            "ve Hizmetler"
        ),
    ),
    "331": (
        ExemptionKind.TAM_ISTISNA,
        (
            "KDV 13/m md. Ar-Ge, Yenilik ve Tasarım Faaliyetlerinde Kullanılmak Üzere Yapılan Yeni Makina "
            "ve Teçhizat Teslimlerinde İstisna"
        ),
    ),
    "332": (
        ExemptionKind.TAM_ISTISNA,
        (
            "KDV Geçici 39. Md. İmalat Sanayiinde Kullanılmak Üzere Yapılan Yeni Makina ve Teçhizat "
            "Teslimlerinde İstisna"
        ),
    ),
    "333": (
        ExemptionKind.TAM_ISTISNA,
        (
            "KDV 13/k md. Kapsamında Genel ve Özel Bütçeli Kamu İdarelerine, İl Özel İdarelerine, "
            "Belediyelere ve Köylere bağışlanan Tesislerin İnşasına İlişkin İstisna"
        ),
    ),
    "334": (
        ExemptionKind.TAM_ISTISNA,
        "KDV 13/l md. Kapsamında Yabancılara Verilen Sağlık Hizmetlerinde İstisna",
    ),
    "335": (ExemptionKind.TAM_ISTISNA, "KDV 13/n Basılı Kitap ve Süreli Yayınların Teslimleri"),
    "336": (
        ExemptionKind.TAM_ISTISNA,
        "Geçici 40 UEFA Müsabakaları Kapsamında Yapılacak Teslim ve Hizmetler",
    ),
    "337": (
        ExemptionKind.TAM_ISTISNA,
        (
            "Türk Akım Gaz Boru Hattı Projesine İlişkin Anlaşmanın (9/h) Maddesi Kapsamındaki Gaz Taşıma "
            "Hizmetleri"
        ),
    ),
    "338": (ExemptionKind.TAM_ISTISNA, "İmalatçıların Mal İhracatları"),
    "339": (
        ExemptionKind.TAM_ISTISNA,
        (
            "İmalat Sanayii ile Turizme Yönelik Yatırım Teşvik Belgesi Kapsamındaki İnşaat İşlerine İlişkin"
            " Teslim ve Hizmetler"
        ),
    ),
    "340": (
        ExemptionKind.TAM_ISTISNA,
        "Elektrik Motorlu Taşıt Araçlarının Geliştirilmesine Yönelik Mühendislik Hizmetleri",
    ),
    "341": (ExemptionKind.TAM_ISTISNA, "Afetzedelere Bağışlanacak Konutların İnşasına İlişkin İstisna"),
    "342": (
        ExemptionKind.TAM_ISTISNA,
        "Genel Bütçeli Kamu İdarelerine Bağışlanacak Taşınmazların İnşasına İlişkin İstisna",
    ),
    "343": (
        ExemptionKind.TAM_ISTISNA,
        (
            "Genel Bütçeli Kamu İdarelerine Bağışlanacak Konutların Yabancı Devlet Kurum ve Kuruluşlarına "
            "Teslimine İlişkin İstisna"
        ),
    ),
    "344": (
        ExemptionKind.TAM_ISTISNA,
        "13/o Milli Savunma ve İç Güvenlik İhtiyaçlarında Kullanılmak Üzere Taşıt Teslimi",
    ),
    "350": (ExemptionKind.TAM_ISTISNA, "Diğerleri"),
    "351": (ExemptionKind.TAM_ISTISNA, "KDV-İstisna Olmayan Diğer"),
    "101": (ExemptionKind.OTV_ISTISNA, "İhracat İstisnası"),
    "102": (ExemptionKind.OTV_ISTISNA, "Diplomatik İstisna"),
    "103": (ExemptionKind.OTV_ISTISNA, "Askeri Amaçlı İstisna"),
    "104": (ExemptionKind.OTV_ISTISNA, "Petrol Arama Faaliyetlerinde Bulunanlara Yapılan Teslimler"),
    "105": (ExemptionKind.OTV_ISTISNA, "Uluslararası Anlaşmadan Doğan İstisna"),
    "106": (ExemptionKind.OTV_ISTISNA, "Diğer İstisnalar"),
    "107": (ExemptionKind.OTV_ISTISNA, "7/a Maddesi Kapsamında Yapılan Teslimler"),
    "108": (ExemptionKind.OTV_ISTISNA, "Geçici 5. Madde Kapsamında Yapılan Teslimler"),
    "151": (ExemptionKind.OTV_ISTISNA, "ÖTV-İstisna Olmayan Diğer"),
    "001": (ExemptionKind.KONAKLAMA_VERGISI_ISTISNA, "Diplomatik İstisna"),
    "801": (ExemptionKind.OZEL_MATRAH, "Milli Piyango, Spor Toto vb. Oyunlar"),
    "802": (ExemptionKind.OZEL_MATRAH, "At Yarışları ve Diğer Müşterek Bahis ve Talih Oyunları"),
    "803": (
        ExemptionKind.OZEL_MATRAH,
        (
            "Profesyonel Sanatçıların Yer Aldığı Gösteriler, Konserler, Profesyonel Sporcuların Katıldığı "
            "Sportif Faaliyetler, Maçlar, Yarışlar ve Yarışmalar"
        ),
    ),
    "804": (ExemptionKind.OZEL_MATRAH, "Gümrük Depolarında ve Müzayede Mahallerinde Yapılan Satışlar"),
    "805": (
        ExemptionKind.OZEL_MATRAH,
        "Altından Mamül veya Altın İçeren Ziynet Eşyaları İle Sikke Altınların Teslimi",
    ),
    "806": (ExemptionKind.OZEL_MATRAH, "Tütün Mamülleri"),
    "807": (ExemptionKind.OZEL_MATRAH, "Muzır Neşriyat Kapsamındaki Gazete, Dergi vb. Periyodik Yayınlar"),
    "808": (
        ExemptionKind.OZEL_MATRAH,
        "Gümüşten Mamul veya Gümüş İçeren Ziynet Eşyaları ile Sikke Gümüşlerin Teslimi",
    ),
    "809": (
        ExemptionKind.OZEL_MATRAH,
        (
            "Belediyeler Tarafından Yapılan Şehir İçi Yolcu Taşımacılığında Kullanılan Biletlerin ve "
            "Kartların Bayiler Tarafından Satışı"
        ),
    ),
    "810": (ExemptionKind.OZEL_MATRAH, "Ön Ödemeli Elektronik Haberleşme Hizmetleri"),
    "811": (
        ExemptionKind.OZEL_MATRAH,
        "TŞOF Tarafından Araç Plakaları ile Sürücü Kurslarında Kullanılan Bir Kısım Evrakın Teslimi",
    ),
    "812": (
        ExemptionKind.OZEL_MATRAH,
        "KDV Uygulanmadan Alınan İkinci El Motorlu Kara Taşıtı veya Taşınmaz Teslimi",
    ),
    "701": (ExemptionKind.IHRAC_KAYITLI, "3065 s. KDV Kanununun 11/1-c md. Kapsamındaki İhraç Kayıtlı Satış"),
    "702": (ExemptionKind.IHRAC_KAYITLI, "DİİB ve Geçici Kabul Rejimi Kapsamındaki Satışlar"),
    "703": (ExemptionKind.IHRAC_KAYITLI, "4760 s. ÖTV Kanununun 8/2 Md. Kapsamındaki İhraç Kayıtlı Satış"),
    "704": (
        ExemptionKind.IHRAC_KAYITLI,
        (
            "3065 sayılı KDV Kanununun (11/1-c) maddesi ve 4760 s. Ötv Kanununun 8/2. Md. Kapsamındaki "
            "İhraç Kayıtlı Satış"
        ),
    ),
}
UNIT_CODES = {
    "B32": "KG-METRE KARE",
    "C62": "ADET(UNIT)",
    "CCT": "TON BAŞINA TAŞIMA KAPASİTESİ",
    "PR": "ÇİFT",
    "D30": "BRÜT KALORİ DEĞERİ",
    "D40": "BİN LİTRE",
    "GFI": "FISSILE İZOTOP GRAMI",
    "GRM": "GRAM",
    "GT": "GROSS TON",
    "CEN": "YÜZ ADET",
    "KPO": "KİLOGRAM POTASYUM OKSİT",
    "MND": "KURUTULMUŞ NET AĞIRLIKLI KİLOGRAMI",
    "3I": "KİLOGRAM-ADET",
    "KFO": "DİFOSFOR PENTAOKSİT KİLOGRAMI",
    "KGM": "KİLOGRAM",
    "KHY": "HİDROJEN PEROKSİT KİLOGRAMI",
    "KMA": "METİL AMİNLERİN KİLOGRAMI",
    "KNI": "AZOTUN KİLOGRAMI",
    "KPH": "KİLOGRAM POTASYUM HİDROKSİT",
    "KSD": "%90 KURU ÜRÜN KİLOGRAMI",
    "KSH": "SODYUM HİDROKSİT KİLOGRAMI",
    "KUR": "URANYUM KİLOGRAMI",
    "D32": "TERAWATT SAAT",
    "GWH": "GİGAWATT SAAT",
    "MWH": "MEGAWATT SAAT (1000 kW.h)",
    "KWH": "KİLOWATT SAAT",
    "KWT": "KİLOWATT",
    "LPA": "SAF ALKOL LİTRESİ",
    "LTR": "LİTRE",
    "MTK": "METRE KARE",
    "DMK": "DESİMETRE KARE",
    "MTQ": "METRE KÜP",
    "MTR": "METRE",
    "NCL": "HÜCRE ADEDİ",
    "CTM": "KARAT",
    "SM3": "STANDART METREKÜP",
    "R9": "BİN METRE KÜP",
    "SET": "SET",
    "T3": "BİN ADET",
}

TAX_TYPE_NAMES["0059"] = ("Konaklama Vergisi", "KONAKLAMA V")
TAX_TYPE_NAMES["9015"] = ("KDV Tevkifat", "KDV TEVKIFAT")


def tax_name(code):
    """The short name GİB samples put in ``TaxScheme/Name`` (``KDV``, ``ÖTV 1.LİSTE``...)."""
    if code == KDV:
        return "KDV"
    return TAX_TYPE_NAMES[code][1]


# Withholding codes: the ratio of the KDV that the buyer withholds, and every percent the
# schematron accepts for the code (code 601 allows 30 % and 40 %, for instance).
WITHHOLDING_PERCENTS = {
    "601": frozenset({30, 40}),
    "602": frozenset({90}),
    "603": frozenset({50, 70}),
    "604": frozenset({50}),
    "605": frozenset({50}),
    "606": frozenset({90}),
    "607": frozenset({90}),
    "608": frozenset({90}),
    "609": frozenset({50, 70}),
    "610": frozenset({90}),
    "611": frozenset({90}),
    "612": frozenset({70, 90}),
    "613": frozenset({70, 90}),
    "614": frozenset({50}),
    "615": frozenset({50, 70}),
    "616": frozenset({50}),
    "617": frozenset({70}),
    "618": frozenset({70}),
    "619": frozenset({70}),
    "620": frozenset({70}),
    "621": frozenset({90}),
    "622": frozenset({90}),
    "623": frozenset({50}),
    "624": frozenset({20}),
    "625": frozenset({30}),
    "626": frozenset({20}),
    "650": frozenset({90, 50, 70, 20, 30}),
    "627": frozenset({40, 50}),
    "801": frozenset({100}),
    "802": frozenset({100}),
    "803": frozenset({100}),
    "804": frozenset({100}),
    "805": frozenset({100}),
    "806": frozenset({100}),
    "807": frozenset({100}),
    "808": frozenset({100}),
    "809": frozenset({100}),
    "810": frozenset({100}),
    "811": frozenset({100}),
    "812": frozenset({100}),
    "813": frozenset({100}),
    "814": frozenset({100}),
    "815": frozenset({100}),
    "816": frozenset({100}),
    "817": frozenset({100}),
    "818": frozenset({100}),
    "819": frozenset({100}),
    "820": frozenset({100}),
    "821": frozenset({100}),
    "822": frozenset({100}),
    "823": frozenset({100}),
    "824": frozenset({100}),
    "825": frozenset({100}),
}

WITHHOLDING_TYPE_CODES = frozenset(WITHHOLDING_PERCENTS)


TAX_TYPE_CODES = frozenset(
    {
        "0003",
        "0015",
        "0061",
        "0071",
        "0073",
        "0074",
        "0075",
        "0076",
        "0077",
        "1047",
        "1048",
        "4080",
        "4081",
        "9015",
        "9021",
        "9077",
        "8001",
        "8002",
        "8004",
        "8005",
        "8006",
        "8007",
        "8008",
        "9040",
        "0011",
        "4071",
        "4171",
        "0021",
        "0022",
        "9944",
        "0059",
    }
)
EXEMPTION_CODES = frozenset(
    {
        "001",
        "101",
        "102",
        "103",
        "104",
        "105",
        "106",
        "107",
        "108",
        "151",
        "201",
        "202",
        "204",
        "205",
        "206",
        "207",
        "208",
        "209",
        "211",
        "212",
        "213",
        "214",
        "215",
        "216",
        "217",
        "218",
        "219",
        "220",
        "221",
        "223",
        "225",
        "226",
        "227",
        "228",
        "229",
        "230",
        "231",
        "232",
        "234",
        "235",
        "236",
        "237",
        "238",
        "239",
        "240",
        "241",
        "242",
        "250",
        "301",
        "302",
        "303",
        "304",
        "305",
        "306",
        "307",
        "308",
        "309",
        "310",
        "311",
        "312",
        "313",
        "314",
        "315",
        "316",
        "317",
        "318",
        "319",
        "320",
        "321",
        "322",
        "323",
        "324",
        "325",
        "326",
        "327",
        "328",
        "329",
        "330",
        "331",
        "332",
        "333",
        "334",
        "335",
        "336",
        "337",
        "338",
        "339",
        "340",
        "341",
        "342",
        "343",
        "344",
        "350",
        "351",
        "501",
        "555",
        "801",
        "802",
        "803",
        "804",
        "805",
        "806",
        "807",
        "808",
        "809",
        "810",
        "811",
        "812",
        "701",
        "702",
        "703",
        "704",
    }
)
PARTY_IDENTIFICATION_SCHEMES = frozenset(
    {
        "TCKN",
        "VKN",
        "HIZMETNO",
        "MUSTERINO",
        "TESISATNO",
        "TELEFONNO",
        "DISTRIBUTORNO",
        "TICARETSICILNO",
        "TAPDKNO",
        "BAYINO",
        "ABONENO",
        "SAYACNO",
        "EPDKNO",
        "SUBENO",
        "PASAPORTNO",
        "ARACIKURUMETIKET",
        "ARACIKURUMVKN",
        "CIFTCINO",
        "IMALATCINO",
        "DOSYANO",
        "HASTANO",
        "MERSISNO",
        "URETICINO",
        "GTB_REFNO",
        "GTB_GCB_TESCILNO",
        "GTB_FIILI_IHRACAT_TARIHI",
        "ARACKIMLIKNO",
        "PLAKA",
        "SEVKIYATNO",
    }
)
INCOTERMS = frozenset(
    {"CFR", "CIF", "CIP", "CPT", "DAF", "DDP", "DDU", "DEQ", "DES", "EXW", "FAS", "FCA", "FOB", "DAP", "DPU"}
)
TRANSPORT_MODES = frozenset({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"})
SGK_ACCOUNTING_COSTS = frozenset(
    {"SAGLIK_ECZ", "SAGLIK_HAS", "SAGLIK_OPT", "SAGLIK_MED", "ABONELIK", "MAL_HIZMET", "DIGER"}
)
ADDITIONAL_ITEM_ID_SCHEMES = frozenset({"KUNYENO", "ILAC", "TIBBICIHAZ", "TELEFON", "TABLET_PC", "DIGER"})
PAYMENT_MEANS_CODES = frozenset(
    {
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "20",
        "21",
        "22",
        "23",
        "24",
        "25",
        "26",
        "27",
        "28",
        "29",
        "30",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "38",
        "39",
        "40",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "47",
        "48",
        "49",
        "50",
        "51",
        "52",
        "53",
        "60",
        "61",
        "62",
        "63",
        "64",
        "65",
        "66",
        "67",
        "70",
        "74",
        "75",
        "76",
        "77",
        "78",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
        "97",
        "ZZZ",
    }
)
LICENSE_PLATE_SCHEMES = frozenset({"DORSE", "PLAKA"})
"""``cbc:LicensePlateID`` schemes of release 20260312; :func:`license_plate_schemes` gives them by release."""
DOCUMENT_DESCRIPTIONS = frozenset(
    {
        "AVANS",
        "YEMEK_FIS",
        "E-FATURA",
        "E-FATURA_IRSALIYE",
        "E-ARSIV",
        "E-ARSIV_IRSALIYE",
        "FATURA",
        "OTOPARK",
        "FATURA_TAHSILAT",
        "FATURA_TAHSILAT_KOMISYONLU",
    }
)


def exemption_text(code):
    """The official text for an exemption code, or ``None`` for codes newer than Kod Listeleri V1.40."""
    entry = EXEMPTIONS.get(code)
    return entry[1] if entry else None


# GİB schematron releases -------------------------------------------------------------------------

R20260312, R20260701 = "20260312", "20260701"
RELEASES = ((R20260312, None), (R20260701, dt.date(2026, 9, 14)))
"""Each schematron release GİB enforces and the first IssueDate it applies to (``None``: since ever)."""
LATEST_RELEASE = RELEASES[-1][0]


def release_for(issue_date):
    """The schematron release in force on ``issue_date`` (the latest one when the date is unknown)."""
    if issue_date is None:
        return LATEST_RELEASE
    found = RELEASES[0][0]
    for release, since in RELEASES:
        if since is None or issue_date >= since:
            found = release
    return found


YTB_EXEMPTION_CODES = frozenset({"308", "339"})
"""From 20260701 valid only under YATIRIMTESVIK or an e-Arşiv YTB type
(``YatirimTesvikTaxExemptionReasonCodeType``)."""
YTB_EARCHIVE_TYPES = frozenset({_T.YTBSATIS, _T.YTBIADE, _T.YTBISTISNA, _T.YTBTEVKIFAT, _T.YTBTEVKIFATIADE})
_EXEMPTION_CODES_20260701 = (EXEMPTION_CODES | {"233"}) - YTB_EXEMPTION_CODES
_LICENSE_PLATE_SCHEMES_20260701 = frozenset({"PLAKA", "YABANCIPLAKA"})
TRANSPORT_EQUIPMENT_SCHEMES = frozenset({"DORSE", "DORSEPLAKA", "YABANCIDORSE", "YABANCIDORSEPLAKA"})
"""``cac:TransportEquipment/cbc:ID`` schemes (trailers), from release 20260701."""
TR_PLATE = re.compile(r"^(0[1-9]|[1-7][0-9]|8[01])[A-Z]+[0-9]+$")
"""GİB's format of a Turkish plate (PLAKA, DORSE, DORSEPLAKA): province 01-81, letters, digits, no spaces."""
FOREIGN_PLATE = re.compile(r"^[A-Z0-9_-]+$")


def exemption_codes(release=LATEST_RELEASE):
    """``TaxExemptionReasonCodeType`` of the release (without the YTB-only codes of 20260701)."""
    return EXEMPTION_CODES if release == R20260312 else _EXEMPTION_CODES_20260701


def exemption_allowed(code, profile, type_code, release=LATEST_RELEASE):
    """True when GİB's ``TaxExemptionReasonCodeCheck`` accepts the code on this profile and type."""
    if code in exemption_codes(release):
        return True
    return (
        release != R20260312
        and code in YTB_EXEMPTION_CODES
        and (profile == ProfileID.YATIRIMTESVIK or type_code in YTB_EARCHIVE_TYPES)
    )


def license_plate_schemes(release=LATEST_RELEASE):
    return LICENSE_PLATE_SCHEMES if release == R20260312 else _LICENSE_PLATE_SCHEMES_20260701


_IADE_PROFILES = {
    R20260312: frozenset(
        {
            ProfileID.TEMELFATURA,
            ProfileID.EARSIVFATURA,
            ProfileID.ILAC_TIBBICIHAZ,
            ProfileID.YATIRIMTESVIK,
            ProfileID.IDIS,
        }
    ),
}
_IADE_PROFILES[R20260701] = _IADE_PROFILES[R20260312] | {ProfileID.KAMU}
_TYPES_ONLY = {
    ProfileID.ILAC_TIBBICIHAZ: _YTB_GENERAL | {_T.IHRACKAYITLI},
    ProfileID.YATIRIMTESVIK: _YTB_GENERAL,
    ProfileID.IDIS: _YTB_GENERAL | {_T.IHRACKAYITLI},
}


def invoice_type_allowed(profile, type_code, release=LATEST_RELEASE):
    """GİB's verdict on a profile/type pair, assert by assert of its schematron (``InvoiceTypeCodeCheck``,
    ``ProfileIDCheck`` and the ILAC/YTB/IDIS type asserts); ``test_rules`` runs every pair through GİB's
    schematron of both releases to prove it."""
    if profile not in {p.value for p in ProfileID} or type_code not in {t.value for t in InvoiceTypeCode}:
        return False
    if type_code == _T.IADE and profile not in _IADE_PROFILES[release]:
        return False
    earchive = profile == ProfileID.EARSIVFATURA
    if not earchive and (profile == ProfileID.ENERJI) != (type_code in {_T.SARJ, _T.SARJANLIK}):
        return False
    if type_code == _T.TEKNOLOJIDESTEK and not earchive:
        return False
    return type_code in _TYPES_ONLY.get(profile, type_code)


def invoice_types_for_profile(profile, release=LATEST_RELEASE):
    return frozenset(t for t in InvoiceTypeCode if invoice_type_allowed(profile, t, release))


INVOICE_TYPES_BY_PROFILE = {profile: invoice_types_for_profile(profile) for profile in ProfileID}
"""The types GİB's latest release accepts under each profile (e.g. HKS with SATIS, e-Arşiv with SARJ)."""


def allowed_invoice_pairs(release=LATEST_RELEASE):
    """Every (ProfileID, InvoiceTypeCode) pair GİB's ``release`` accepts, in enum order: what an invoice
    form offers and what a test matrix covers, from the one copy of GİB's rules above."""
    return tuple(
        (profile.value, type_code.value)
        for profile in ProfileID
        for type_code in InvoiceTypeCode
        if invoice_type_allowed(profile, type_code, release)
    )
