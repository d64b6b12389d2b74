# The automatic assistant (an AI model) of a tiered profile: docs/AI-TIER.md.
# Its name is always shown with "automatic assistant", so nobody takes it
# for a person.

ai-assistant = Automatic assistant
ai-assistant-named = { $name } (automatic assistant)
ai-greeting = Hello, I am an automatic assistant, not a person. Ask me your question. You can talk to a person at any time: press “Talk to a person”.
ai-notice-failed = The automatic assistant cannot answer just now. A person can help you: press “Talk to a person”.
ai-notice-unclear = The automatic assistant gave no clear answer. A person can help you: press “Talk to a person”.
ai-notice-other-language = The automatic assistant answered in another language. A person can help you: press “Talk to a person”.
