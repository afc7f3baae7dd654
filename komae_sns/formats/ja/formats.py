# Date formats for LANGUAGE_CODE "ja" (FORMAT_MODULE_PATH). Django's own ja module accepts only
# ISO input; clerks type 2026/4/1 as often as 2026-04-01. 和暦 input is parsed by core.forms.DateField.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 G:i"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d G:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"]
NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
