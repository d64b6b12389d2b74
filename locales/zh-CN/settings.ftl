# 照护者的设置区：服务配置、登录信息、检查。
# 每种字段问题一句话（warmline_backends::profile::FieldErrorCode）。

field-error-required = 这一项必须填写。
field-error-too-long = 内容太长了。
field-error-not-a-url = 这不是网址。网址的样子应该像 wss://support.example.com/warmline。
field-error-wrong-scheme = 这种网址在这里不能用。请检查开头部分（例如 wss:// 或 https://）。
field-error-insecure = 这个网址没有加密，而且不在这台电脑上。请使用以 wss:// 或 https:// 开头的网址。
field-error-invalid = 格式不正确。
field-error-not-absolute = 请填写文件的完整位置，从盘符或根目录开始（例如 C:\证书\company.pem 或 /etc/ssl/company.pem）。直接用按钮选择文件最省事。
field-error-file-missing = 这个位置没有文件。请检查文件名，或者重新选择文件。
field-error-not-a-certificate = 这个文件不是 Warmline 能读取的证书。请向公司要一份 PEM 格式的证书文件（文件开头是“-----BEGIN CERTIFICATE-----”）。
field-error-out-of-range = 这个数字超出了允许的范围。
field-error-duplicate = 已经有另一项在用这个了。请换一个。
field-error-not-found = 这一项不存在（或已被删除）。请从列表中选择。
field-error-unsupported = Warmline 不提供这一项。请从列表中选择。
