# 分級服務中的自動助理（AI 模型）：見 docs/AI-TIER.md。
# 它的名字總帶著「自動助理」，免得被當成真人。

ai-assistant = 自動助理
ai-assistant-named = { $name }（自動助理）
ai-greeting = 您好，我是自動助理，不是真人。請問有什麼可以幫您？您隨時可以找真人客服：請按「找真人客服」。
ai-notice-failed = 自動助理現在無法回答。真人可以幫您：請按「找真人客服」。
ai-notice-unclear = 自動助理沒有給出清楚的回答。真人可以幫您：請按「找真人客服」。
ai-notice-other-language = 自動助理用了另一種語言回答。真人可以幫您：請按「找真人客服」。
