# Warmline 在 Chatwoot 会话里留给客服人员看的话（不在 Warmline 窗口里显示）。

chatwoot-handoff-request = 🙋 客户想和真人客服说话。
chatwoot-handoff-reason-button = 客户按了“找真人”按钮。
chatwoot-handoff-reason-asked = 客户自己说要找真人。
chatwoot-handoff-reason-bot-failed = 自动回复没能帮上客户。
chatwoot-handoff-reason-urgent = 客户说事情很急。
chatwoot-handoff-reason-complaint = 客户想投诉。
chatwoot-handoff-urgent = 紧急：{ $topic }
chatwoot-urgent-fraud = 可能遇到诈骗
chatwoot-urgent-stolen-money = 钱被盗了
chatwoot-urgent-unauthorized-charge = 有一笔不是本人的扣款
chatwoot-urgent-medical = 医疗急症
chatwoot-handoff-language = 客户使用的语言：{ $language }
chatwoot-handoff-topic = 事由：{ $topic }
chatwoot-handoff-recent = 之前的对话：
chatwoot-summary-user = 客户
chatwoot-summary-bot = 机器人
chatwoot-summary-agent = 客服
chatwoot-handoff-cancelled = 客户现在不需要真人客服了。
