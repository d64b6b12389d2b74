# What Warmline says when the user's own words ask for a person or tell of
# something urgent (issue 17). Advice comes first; the person follows.

notice-person-requested-fraud = This sounds like a scam, so Warmline is getting you a person right away. Until they answer: do not transfer or send any money, do not give anyone a code, PIN or password, and if you want to call your bank, use the number on the back of your card, not a number someone gave you.
notice-person-requested-money = Warmline is getting you a person right away. Meanwhile you can call the number on the back of your card to block it. Do not give anyone a code, PIN or password.
notice-call-emergency-number = If someone is hurt or very unwell, call 911 now. Do not wait for this chat.
notice-person-requested-complaint = You want to make a complaint, so Warmline is getting you a person. You do not need to say it again.
