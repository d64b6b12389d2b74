# Messages Warmline posts into a Chatwoot conversation for the company's
# agents (not shown in Warmline's window). The agent's language comes from
# the profile's "agent language".

chatwoot-handoff-request = 🙋 The customer would like to talk to a person.
chatwoot-handoff-reason-button = They pressed "Talk to a person".
chatwoot-handoff-reason-asked = They asked for a person in their own words.
chatwoot-handoff-reason-bot-failed = The automatic answers did not help them.
chatwoot-handoff-reason-urgent = They say it is urgent.
chatwoot-handoff-reason-complaint = They want to make a complaint.
chatwoot-handoff-urgent = Urgent: { $topic }
chatwoot-urgent-fraud = possible fraud or scam
chatwoot-urgent-stolen-money = money stolen
chatwoot-urgent-unauthorized-charge = a charge they did not make
chatwoot-urgent-medical = a medical emergency
chatwoot-handoff-language = The customer's language: { $language }
chatwoot-handoff-topic = About: { $topic }
chatwoot-handoff-recent = The conversation so far:
chatwoot-summary-user = Customer
chatwoot-summary-bot = Bot
chatwoot-summary-agent = Agent
chatwoot-handoff-cancelled = The customer no longer needs a person.
