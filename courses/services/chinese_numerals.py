"""Chinese numerals as used in article, chapter and section numbers (第一百零一条)."""

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_DIGITS = "零一二三四五六七八九"
# A regex character class for a numeral, for patterns like 第(…)条.
NUMERAL = "[零〇○一二三四五六七八九十百千两]+"


def chinese_to_int(text: str) -> int:
    """Chinese numeral (一百零一, 十二, 一百一十…) to int; ValueError if malformed."""
    if text in ("零", "〇"):
        return 0
    if not text:
        raise ValueError(text)
    total, digit, last_unit = 0, None, 10_000
    for char in text:
        if _DIGITS.get(char) == 0:
            if digit is not None or not total:
                raise ValueError(text)
        elif char in _DIGITS:
            if digit is not None:
                raise ValueError(text)
            digit = _DIGITS[char]
        elif char in _UNITS:
            unit = _UNITS[char]
            # Units must fall (百 before 十), and only a leading 十 may stand without a digit.
            if unit >= last_unit or (digit is None and total):
                raise ValueError(text)
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            raise ValueError(text)
    return total + (digit or 0)


def int_to_chinese(number: int) -> str:
    if not 0 <= number < 10_000:
        raise ValueError(number)
    if number == 0:
        return "零"
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        # 十二, not 一十二: the leading 一 is dropped only when 十 opens the number.
        if not (value == 10 and digit == 1 and not parts):
            parts.append(_CN_DIGITS[digit])
        parts.append(unit)
    return "".join(parts)


def chinese_digits_to_int(text: str) -> int:
    """Digit by digit, as years are written: 二〇二四 → 2024."""
    return int("".join(str(_DIGITS[char]) for char in text))


def article_display(number: int, sub_number: int = 0) -> str:
    """第十二条, or 第十二条之一 for an inserted article."""
    suffix = f"之{int_to_chinese(sub_number)}" if sub_number else ""
    return f"第{int_to_chinese(number)}条{suffix}"
