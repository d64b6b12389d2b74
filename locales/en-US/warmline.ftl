# Warmline's user interface, in English (United States).
# Every user-facing sentence of the app lives in these files; the Rust code and
# the web front end only name message ids. Keep ids, attributes and placeables
# identical across locales: a test compares every locale with this one.

app-title = Warmline
demo-banner = Demo mode: you are talking to Warmline's built-in demo service, not a real company.

## The "Talk to a person" button and the handoff status

person-button = Talk to a person
person-cancel-button = Stop waiting
person-button-suggested = Suggested
handoff-requested = You asked for a person. Waiting for the service to answer.
handoff-requested-offline = You asked for a person. The request is kept and will be sent as soon as the connection is back.
handoff-queued-position =
    { $position ->
        [1] You are next in line.
       *[other] You are number { $position } in line.
    }
handoff-wait-minutes =
    { $minutes ->
        [0] Expected wait: less than a minute.
        [1] Expected wait: about one minute.
       *[other] Expected wait: about { $minutes } minutes.
    }
handoff-queued = You are waiting for a person. You keep your place; you can keep writing.
handoff-queued-unknown = You are waiting for a person. The service does not say how long it will take. You keep your place; you can keep writing.
handoff-connected = You are talking to { $name }.
handoff-connected-demo = You are talking to { $name } (demo agent).
handoff-unavailable = Nobody is available right now.
handoff-unavailable-leave-message = You can leave a message or ask for a call back below, or try again later.
handoff-unavailable-try-later = Please try again later with the “Talk to a person” button.
handoff-message-left = Your message was left. Your reference is { $reference }. Someone will get back to you.
handoff-callback-requested = You asked for a call back. Your reference is { $reference }. Someone will call you.

## The conversation

transcript-label = Conversation
author-you = You
author-bot = { $name }
author-bot-demo = { $name } (demo assistant)
author-agent = { $name }
author-agent-demo = { $name } (demo agent)
author-system = Warmline
delivery-sending = Sending…
delivery-sent = Sent
delivery-will-retry = Not sent yet. It will be sent as soon as possible.
delivery-failed = This message could not be sent.
typing = { $name } is writing…

## Writing

composer-label = Your message
composer-placeholder = Write your message here
send-button = Send

## Connection

connection-connecting = Connecting…
connection-online = Connected
connection-reconnecting = Reconnecting. Your messages are safe.

## Notes Warmline adds to the conversation

notice-person-requested = You asked to talk to a person.
notice-person-requested-words = You asked for a person, so Warmline is getting you one. You do not need to ask again.
notice-person-requested-urgent = This sounds urgent, so Warmline is getting you a person right away. If you are in danger or need a doctor, call your local emergency number.
notice-person-cancelled = You cancelled the request for a person.
notice-agent-joined = { $name } joined the conversation.
notice-agent-left = { $name } left the conversation.
notice-nobody-available = Nobody is available right now. Please try again later.
notice-nobody-available-leave-message = Nobody is available right now. You can leave a message and someone will get back to you.
notice-conversation-continues = The conversation continues. Everything you wrote is still here.
notice-offer-person = It looks like the assistant is not helping. Would you like to talk to a person? Press “Talk to a person”.
notice-offer-person-words = Would you like to talk to a person? Press “Talk to a person” and Warmline will get you one.
notice-message-left = Your message was received. Your reference is { $reference }. Someone will get back to you.
notice-callback-requested = Your call-back request was received. We will call { $phone } ({ $time }). Your reference is { $reference }.
notice-callback-requested-any-time = Your call-back request was received. We will call { $phone }. Your reference is { $reference }.

## Leaving a message or asking for a call back (while nobody is available)

leave-message-title = Leave a message or ask for a call back
leave-message-label = Your message for the service
leave-message-callback-hint = If you would like a call back, leave your phone number.
leave-message-phone-label = Your phone number (optional)
leave-message-time-label = Best time to call (optional)
leave-message-time-example = for example: tomorrow morning
leave-message-submit = Leave the message
leave-message-try-again = Everything you wrote is still here. Please press “Leave the message” again.

## Errors

error-empty-message = Please write something before sending.
error-backend-unreachable = The service cannot be reached right now. Nothing is lost; Warmline keeps trying.
error-backend-malformed = The service sent something Warmline could not read. Nothing is lost.
error-backend-rejected = The service did not accept this. Nothing you wrote is lost.
error-unsupported = This service does not offer that.
error-engine-stopped = Warmline is closing. Please start it again.
error-storage-failed = Warmline could not save the conversation on this computer. You can keep writing, but the history may not be kept after Warmline is closed.
error-sign-in-refused = Warmline cannot sign in to the service. Ask the person who set it up. Nothing you wrote is lost; it will be sent once the sign-in works again.
error-credentials-unavailable = Warmline cannot reach its sign-in details on this computer right now. It keeps trying. Nothing you wrote is lost.
error-unknown = Something went wrong. Nothing you wrote is lost.

## Speaking instead of typing (the microphone button beside the text box)

voice-button-speak = Speak
voice-button-stop = Stop
voice-button-working = Working…
voice-button-label = Speak your message instead of typing it
voice-listening = Listening. Say your message, then press Stop. You can also just stop talking.
voice-working = Working on it. Your words are being turned into text.
voice-done = Done. Your words are in the text box. Check them, then press Send.
voice-done-sent = Done. Your words were sent.
voice-nothing-heard = Nothing was heard. Please press Speak and try again, a little closer to the microphone.
voice-level-label = How loud you are
voice-partial = So far: { $text }
voice-no-model = Speaking needs a speech model, which is not on this computer yet. You can keep typing.
voice-model-download = Get the speech model ({ $megabytes } MB)
voice-model-downloading = Getting the speech model: { $percent } %
voice-model-downloading-unknown = Getting the speech model…
voice-model-corrupt = The speech model on this computer is damaged. Please get it again. You can keep typing.
voice-model-ready = The speech model is ready. Press Speak to talk.
voice-error-no-microphone = No microphone was found. Please plug one in, or keep typing.
voice-error-permission-denied = Warmline is not allowed to use the microphone. A helper can allow it in the computer's settings. You can keep typing.
voice-error-device-lost = The microphone stopped working. What was heard so far is kept.
voice-error-no-model = Speaking needs a speech model, which is not on this computer yet. You can keep typing.
voice-error-model-corrupt = The speech model on this computer is damaged. Please get it again. You can keep typing.
voice-error-out-of-memory = This computer does not have enough free memory to turn speech into text. Close other programs and try again, or keep typing.
voice-error-download-failed = The speech model could not be downloaded. Check the internet connection and try again; what was already downloaded is kept.
voice-error-checksum-mismatch = The downloaded speech model is not the right file, so it was not used. Please try again.
voice-error-recognition-failed = Your words could not be turned into text. Please try again, or type instead.
voice-error-audio-file = The recording could not be read. Please try again, or type instead.
