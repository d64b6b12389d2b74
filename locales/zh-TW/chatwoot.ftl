# Warmline 在 Chatwoot 對話裡留給客服人員看的話（不在 Warmline 視窗裡顯示）。

chatwoot-handoff-request = 🙋 客戶想和真人客服說話。
chatwoot-handoff-reason-button = 客戶按了「找真人」按鈕。
chatwoot-handoff-reason-asked = 客戶自己說要找真人。
chatwoot-handoff-reason-bot-failed = 自動回覆沒能幫上客戶。
chatwoot-handoff-reason-urgent = 客戶說事情很急。
chatwoot-handoff-reason-complaint = 客戶想投訴。
chatwoot-handoff-urgent = 緊急：{ $topic }
chatwoot-urgent-fraud = 可能遇到詐騙
chatwoot-urgent-stolen-money = 錢被盜了
chatwoot-urgent-unauthorized-charge = 有一筆不是本人的扣款
chatwoot-urgent-medical = 醫療急症
chatwoot-handoff-language = 客戶使用的語言：{ $language }
chatwoot-handoff-topic = 事由：{ $topic }
chatwoot-handoff-recent = 先前的對話：
chatwoot-summary-user = 客戶
chatwoot-summary-bot = 機器人
chatwoot-summary-agent = 客服
chatwoot-handoff-cancelled = 客戶現在不需要真人客服了。
