# What the built-in demo service says. These are the demo's own words, in the
# language the user writes in; a real backend sends its own text.

demo-bot-name = Sunny
demo-agent-name = Mei
demo-bot-welcome = Hello, I am Sunny, the demo assistant. Ask me about a bill, a delivery, a refund, a password, opening hours and more. If you would rather talk to a person, press "Talk to a person" at any time.
demo-bot-not-understood = I am sorry, I did not understand that. I can answer questions about bills, deliveries, refunds, passwords, opening hours, addresses, cards and payments. You can also press "Talk to a person".
demo-faq-greeting = Hello! How can I help you today? You can ask me about your bill, a delivery, a refund or your password.
demo-faq-thanks = You are welcome. Is there anything else I can help with?
demo-faq-bill-too-high = If your bill is higher than usual, first compare it with last month's under "My bills": a one-off charge or the end of a discount is the most common reason. If something still looks wrong, press "Talk to a person" and someone will check it and correct it. This is demo data.
demo-faq-balance = Your latest bill is 42.50 dollars, due on the 15th of the month. Your current balance is 0 dollars. This is demo data.
demo-faq-delivery = Your parcel left our warehouse yesterday and should arrive within two working days. This is demo data.
demo-faq-refund = Refunds are paid back to the card you used, within 5 to 7 working days after we receive the item.
demo-faq-password = To reset your password, choose "Forgot password" on the sign-in page. We will send a code to your phone. Never tell anyone this code, not even our staff.
demo-faq-hours = We are open Monday to Friday from 8 in the morning to 8 in the evening, and Saturday from 9 to 5.
demo-faq-address = To change your address, tell a person your new address, or change it under "My details" on our website.
demo-faq-suspicious-charge = A payment you do not recognise is urgent. Please press "Talk to a person" now so that someone can block your card. Do not share codes or passwords with anyone who calls you.
demo-faq-lost-card = If your card is lost or stolen, press "Talk to a person" and we will block it at once and send you a new one.
demo-faq-cancel = You can cancel an order until it leaves our warehouse, and a subscription at the end of any month. A person can do it for you.
demo-faq-payment = You can pay by card, by bank transfer, or in cash at any post office.
demo-faq-outage = We are sorry your service is not working. Please switch your router off, wait one minute and switch it on again. If that does not help, a person can check the line.
demo-faq-contact = You can call us on 0800 123 456, free of charge, during opening hours. This is a demo number.
demo-agent-greeting = Hello, this is { $name }. I can see our conversation so far, so you do not need to repeat anything. How can I help?
demo-agent-greeting-topic = Hello, this is { $name }. I can see our conversation so far: you wrote “{ $topic }”. You do not need to repeat anything. Let me help you with that.
demo-agent-reply = Thank you, I have noted that. This is a demonstration, so I cannot look at a real account, but a real agent would take care of it now.
