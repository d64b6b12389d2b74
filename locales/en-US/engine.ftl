# The conversation engine's own states and actions: signing in, sending
# again. (Notices of the conversation itself are in warmline.ftl.)

# The status area, while the service refuses Warmline's sign-in.
connection-sign-in-needed = Waiting for the sign-in to be fixed. Your messages are kept and will be sent then.
