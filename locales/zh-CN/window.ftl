# 长者的窗口：按下按钮后的回答和简短提示（其余见 warmline.ftl）。

## 请求仍在时再按“找真人客服”
person-already-asked = 您已经请求了人工客服，请求仍然有效。

## 小窗口里一行放得下的简短说法
demo-banner-short = 演示模式：不是真实的公司。
# The demo banner in a window narrower than 400 CSS px (400 % zoom), where even the short form takes two lines.
demo-banner-tiny = 演示模式
composer-placeholder-short = 在这里输入
voice-no-model-short = 语音输入还没有设置好。
voice-model-corrupt-short = 语音输入需要修复。
voice-notice-hide = 隐藏
voice-pressed-no-model = 麦克风还不能听：缺少语音模型。请帮您安装 Warmline 的人在设置里添加，或在下面获取。您可以继续打字。

## 等待人工客服时，机器人说“不明白”之后
notice-person-request-stands = 您的人工客服请求仍然有效，您的位置会保留。

## 留言：表单占用窗口，也可以回到对话
leave-message-back = 回到对话
leave-message-open = 留言
