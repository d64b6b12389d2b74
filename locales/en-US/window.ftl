# The elder's window: answers to presses and short notices (see warmline.ftl for the rest).

## The person button pressed again while a request stands
person-already-asked = You have already asked for a person, and the request stands.

## Short forms that fit one line in a small window
demo-banner-short = Demo mode: not a real company.
# The demo banner in a window narrower than 400 CSS px (400 % zoom), where even the short form takes two lines.
demo-banner-tiny = Demo mode
composer-placeholder-short = Write here
voice-no-model-short = Speaking is not set up.
voice-model-corrupt-short = Voice input needs repair.
voice-notice-hide = Hide
voice-pressed-no-model = The microphone cannot listen yet: the speech model is missing. Ask the person who set up Warmline to add it in the settings, or get it below. You can keep typing.

## Under a bot's "I did not understand" while a person is on the way
notice-person-request-stands = Your request for a person still stands. You keep your place.

## Leaving a message: the form takes the window, and gives it back
leave-message-back = Back to the conversation
leave-message-open = Leave a message
