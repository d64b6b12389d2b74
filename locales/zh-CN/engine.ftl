# 对话引擎自己的状态和操作：登录、重新发送。（对话里的提示在 warmline.ftl。）

# 客服服务拒绝 Warmline 登录期间，状态栏显示。
connection-sign-in-needed = 正在等登录问题解决。您写的内容都保留着，到时会发出去。

# 发送失败的消息下面那个大按钮：再发一次。
message-try-again = 重新发送

# 留言在等网络恢复时，状态栏显示。
handoff-message-queued = 您的留言已经保存好了，网络一恢复就会转交。
handoff-callback-queued = 您的回电请求已经保存好了，网络一恢复就会转交。

# 对话里：连不上客服时留下的留言。
notice-message-queued = Warmline 已经保存了您的留言，等连上客服后会自动转交。
notice-callback-queued = Warmline 已经保存了您的回电请求，等连上客服后会自动转交。
notice-message-not-left = 您的留言没能转交出去。请再试一次，或者过一会儿再找人工客服。
