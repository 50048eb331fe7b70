"""Free-text notes GİB and Turkish practice expect on an invoice: amount in words and exchange rate."""

from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

_CURRENCY_WORDS = {
    "TRY": ("TL", "KR"),
    "USD": ("USD", "CENT"),
    "EUR": ("EUR", "CENT"),
    "GBP": ("GBP", "PENNY"),
}


def _upper_tr(text):
    """Turkish upper case: ``i`` becomes ``İ`` and ``ı`` becomes ``I`` (``str.upper`` gets both wrong)."""
    return text.replace("i", "İ").replace("ı", "I").upper()


def _words(number):
    return _upper_tr(num2words(number, lang="tr").replace(" ", ""))


def amount_in_words(amount, currency="TRY"):
    """``YALNIZ: BİNİKİYÜZ TL ONBEŞ KR``: written as one word per unit, as printed invoices do."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    major, minor = divmod(int(value * 100), 100)
    major_unit, minor_unit = _CURRENCY_WORDS.get(currency, (currency, "CENT"))
    text = f"YALNIZ: {_words(major)} {major_unit}"
    if minor:
        text += f" {_words(minor)} {minor_unit}"
    return text


def exchange_rate_note(currency, rate, target="TRY"):
    """``KUR: 1 USD = 32.123456 TRY``, the rate to six decimals as in ``PricingExchangeRate``."""
    rate = Decimal(rate).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return f"KUR: 1 {currency} = {rate} {target}"
