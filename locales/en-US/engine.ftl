# The conversation engine's own states and actions: signing in, sending
# again. (Notices of the conversation itself are in warmline.ftl.)

# The status area, while the service refuses Warmline's sign-in.
connection-sign-in-needed = Waiting for the sign-in to be fixed. Your messages are kept and will be sent then.

# Under a message that could not be sent: the big button that sends it again.
message-try-again = Try again

# The status area, while a left message waits for the connection.
handoff-message-queued = Your message is kept. It will be passed on as soon as the connection is back.
handoff-callback-queued = Your request for a call back is kept. It will be passed on as soon as the connection is back.

# In the conversation: a message left while the service could not be reached.
notice-message-queued = Warmline has kept your message. It will be passed on by itself as soon as the service can be reached.
notice-callback-queued = Warmline has kept your request for a call back. It will be passed on by itself as soon as the service can be reached.
notice-message-not-left = Your message could not be passed on. Please try again, or ask for a person later.
