# 照護者的設定區：服務設定、登入資訊、檢查。
# 每種欄位問題一句話（warmline_backends::profile::FieldErrorCode）。

field-error-required = 這一項必須填寫。
field-error-too-long = 內容太長了。
field-error-not-a-url = 這不是網址。網址的樣子應該像 wss://support.example.com/warmline。
field-error-wrong-scheme = 這種網址在這裡不能用。請檢查開頭部分（例如 wss:// 或 https://）。
field-error-insecure = 這個網址沒有加密，而且不在這台電腦上。請使用以 wss:// 或 https:// 開頭的網址。
field-error-invalid = 格式不正確。
field-error-not-absolute = 請填寫檔案的完整位置，從磁碟機代號或根目錄開始（例如 C:\憑證\company.pem 或 /etc/ssl/company.pem）。直接用按鈕選擇檔案最省事。
field-error-file-missing = 這個位置沒有檔案。請檢查檔名，或重新選擇檔案。
field-error-not-a-certificate = 這個檔案不是 Warmline 能讀取的憑證。請向公司要一份 PEM 格式的憑證檔（檔案開頭是「-----BEGIN CERTIFICATE-----」）。
field-error-out-of-range = 這個數字超出了允許的範圍。
field-error-duplicate = 已經有另一項在用這個了。請換一個。
field-error-not-found = 這一項不存在（或已被刪除）。請從清單中選擇。
field-error-unsupported = Warmline 不提供這一項。請從清單中選擇。
