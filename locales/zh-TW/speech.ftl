# Read aloud (warmline-speech and the window's read-aloud buttons).

# How a reply is read: who wrote it, then what it says.
speech-reply = { $name }說：{ $text }
speech-read-again = 再讀一遍
speech-stop = 停止朗讀
speech-reading = 正在朗讀…
speech-no-engine = 這台電腦沒有語音朗讀引擎，無法朗讀回覆。聊天不受影響。在 Linux 上請安裝 speech-dispatcher。
speech-no-voice = 語音朗讀引擎沒有這種語言的聲音，無法朗讀回覆。
speech-failed = 無法朗讀這則回覆。聊天不受影響。
speech-while-listening = 麥克風正在聽時不會朗讀。
speech-nothing-to-read = 這則訊息沒有可以朗讀的內容。
