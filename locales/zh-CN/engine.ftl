# 对话引擎自己的状态和操作：登录、重新发送。（对话里的提示在 warmline.ftl。）

# 客服服务拒绝 Warmline 登录期间，状态栏显示。
connection-sign-in-needed = 正在等登录问题解决。您写的内容都保留着，到时会发出去。
