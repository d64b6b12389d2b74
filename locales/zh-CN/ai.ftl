# 分级服务中的自动助手（AI 模型）：见 docs/AI-TIER.md。
# 它的名字总带着“自动助手”，免得被当成真人。

ai-assistant = 自动助手
ai-assistant-named = { $name }（自动助手）
ai-greeting = 您好，我是自动助手，不是真人。请问有什么可以帮您？您随时可以找真人客服：请按“找真人客服”。
ai-notice-failed = 自动助手现在无法回答。真人可以帮您：请按“找真人客服”。
ai-notice-unclear = 自动助手没有给出清楚的回答。真人可以帮您：请按“找真人客服”。
ai-notice-other-language = 自动助手用了另一种语言回答。真人可以帮您：请按“找真人客服”。
