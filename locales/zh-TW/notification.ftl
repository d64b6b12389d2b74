# System notifications while the Warmline window is behind others.

# Title of a notification of a new reply; the body is the reply.
notification-reply-title = { $name }回覆了您
# Title when a person joins; the body says who.
notification-person-joined-title = 真人客服已接入
# Title when the user has reached the front of the queue; the body says the place.
notification-your-turn-title = 馬上輪到您了
