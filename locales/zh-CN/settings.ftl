# 照护者的设置区：服务配置、登录信息、检查。
# 每种字段问题一句话（warmline_backends::profile::FieldErrorCode）。

field-error-required = 这一项必须填写。
field-error-too-long = 内容太长了。
field-error-not-a-url = 这不是网址。网址的样子应该像 wss://support.example.com/warmline。
field-error-wrong-scheme = 这种网址在这里不能用。请检查开头部分（例如 wss:// 或 https://）。
field-error-insecure = 这个网址没有加密，而且不在这台电脑上。请使用以 wss:// 或 https:// 开头的网址。
field-error-invalid = 格式不正确。
