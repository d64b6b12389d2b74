# Read aloud (warmline-speech and the window's read-aloud buttons).

# How a reply is read: who wrote it, then what it says.
speech-reply = { $name }说：{ $text }
speech-read-again = 再读一遍
speech-stop = 停止朗读
speech-reading = 正在朗读…
speech-no-engine = 这台电脑没有语音朗读引擎，无法朗读回复。聊天不受影响。在 Linux 上请安装 speech-dispatcher。
speech-no-voice = 语音朗读引擎没有这种语言的声音，无法朗读回复。
speech-failed = 无法朗读这条回复。聊天不受影响。
speech-while-listening = 麦克风正在听时不会朗读。
speech-nothing-to-read = 这条消息没有可以朗读的内容。
