# System notifications while the Warmline window is behind others.

# Title of a notification of a new reply; the body is the reply.
notification-reply-title = { $name } replied
# Title when a person joins; the body says who.
notification-person-joined-title = A person has joined
# Title when the user has reached the front of the queue; the body says the place.
notification-your-turn-title = It is nearly your turn
