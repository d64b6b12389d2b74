# Read aloud (warmline-speech and the window's read-aloud buttons).

# How a reply is read: who wrote it, then what it says.
speech-reply = { $name } says: { $text }
speech-read-again = Read aloud again
speech-stop = Stop reading
speech-reading = Reading aloud…
speech-no-engine = This computer has no speech engine, so replies cannot be read aloud. Chatting works as usual. On Linux, install speech-dispatcher.
speech-no-voice = The speech engine has no voice for this language, so replies cannot be read aloud.
speech-failed = The reply could not be read aloud. Chatting works as usual.
speech-while-listening = Nothing is read aloud while the microphone is listening.
speech-nothing-to-read = There is nothing to read aloud in this message.
