# 照護者的設定區：服務設定、登入資訊、檢查。
# 每種欄位問題一句話（warmline_backends::profile::FieldErrorCode）。

field-error-required = 這一項必須填寫。
field-error-too-long = 內容太長了。
field-error-not-a-url = 這不是網址。網址的樣子應該像 wss://support.example.com/warmline。
field-error-wrong-scheme = 這種網址在這裡不能用。請檢查開頭部分（例如 wss:// 或 https://）。
field-error-insecure = 這個網址沒有加密，而且不在這台電腦上。請使用以 wss:// 或 https:// 開頭的網址。
field-error-invalid = 格式不正確。
