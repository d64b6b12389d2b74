# What Warmline posts into a Matrix support room for the agents (not shown
# in Warmline's own window). Written in the user's language; see docs/MATRIX.md.

matrix-handoff-title = Warmline: this user asks to talk to a person.
matrix-handoff-reason-button = They pressed "Talk to a person".
matrix-handoff-reason-userAsked = They asked for a person in their own words.
matrix-handoff-reason-botFailed = The automatic answers did not help them.
matrix-handoff-reason-complaint = They want to make a complaint.
matrix-handoff-reason-other = They asked for a person.
matrix-handoff-urgent = Urgent: { $topic }. Please take this first.
matrix-urgent-fraud = a possible scam or fraud
matrix-urgent-stolenMoney = money taken from their account
matrix-urgent-unauthorizedCharge = a payment they did not make
matrix-urgent-medical = a medical emergency
matrix-urgent-other = an urgent matter
matrix-handoff-topic = Topic: { $topic }
matrix-handoff-user-asked = What they asked:
matrix-handoff-bot-answered = What the automatic assistant answered:
matrix-handoff-language = Their language: { $language }
matrix-handoff-cancelled = Warmline: this user no longer needs a person.
matrix-left-message-title = Warmline: this user left a message (reference { $reference }):
matrix-left-message-callback = Please call them back at { $phone } ({ $time }).
