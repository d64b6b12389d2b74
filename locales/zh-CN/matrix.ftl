# Warmline 发到 Matrix 客服房间、给客服人员看的提示（不在 Warmline 窗口里显示）。
# 用用户的语言书写；见 docs/MATRIX.md。

matrix-handoff-title = Warmline：这位用户想找人工客服。
matrix-handoff-reason-button = 用户按了“找真人客服”按钮。
matrix-handoff-reason-userAsked = 用户自己开口要求转人工。
matrix-handoff-reason-botFailed = 自动回答没能帮到用户。
matrix-handoff-reason-complaint = 用户要投诉。
matrix-handoff-reason-other = 用户要求转人工。
matrix-handoff-urgent = 紧急：{ $topic }。请优先处理。
matrix-urgent-fraud = 可能遇到诈骗
matrix-urgent-stolenMoney = 账户里的钱被人转走
matrix-urgent-unauthorizedCharge = 有一笔不是本人付的款
matrix-urgent-medical = 突发急病
matrix-urgent-other = 紧急情况
matrix-handoff-topic = 问题：{ $topic }
matrix-handoff-user-asked = 用户问了：
matrix-handoff-bot-answered = 自动助手答了：
matrix-handoff-language = 用户使用的语言：{ $language }
matrix-handoff-cancelled = Warmline：这位用户现在不需要人工客服了。
matrix-left-message-title = Warmline：这位用户留了言（编号 { $reference }）：
matrix-left-message-callback = 请回电 { $phone }（{ $time }）。
