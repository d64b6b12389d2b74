# 照护者的设置：设置文件、密码库、PIN、配置文件和“全部检查”（warmline-settings）。

settings-problem-damaged = Warmline 读不了它的设置。请联系帮您设置的人。
settings-problem-foreign = Warmline 找到的设置文件不是它自己的。请联系帮您设置的人。
settings-problem-newer = 这些设置是由更新版本的 Warmline 做的。请联系帮您设置的人。
settings-problem-invalid = Warmline 的部分设置有误。请联系帮您设置的人。
settings-problem-unreadable = Warmline 没有权限读取它的设置。请联系帮您设置的人。
settings-save-invalid = 设置没有保存：有些项填写有误，已经标出来了。
settings-save-failed = 设置无法保存到这台电脑上。什么都没有改动。

keyring-secret-missing = 这个服务的登录信息还没有填写。
keyring-locked = Warmline 拿不到登录信息：电脑的密码库被锁住了。请解锁（重新登录电脑）后再试。
keyring-unavailable = Warmline 拿不到登录信息：这台电脑的密码库不可用。

pin-bad-form = PIN 是 4 到 8 位数字。
pin-not-set = 还没有设定 PIN。请现在设定一个。
pin-wrong = PIN 不对。再错 { $attemptsLeft } 次以后就要等一会儿才能再试。
pin-wait = 错的次数太多了。请等 { $seconds } 秒后再试。
pin-storage = Warmline 读不了它的 PIN。请用 --reset-pin 启动一次 Warmline 来重新设定（对话会保留）。
reset-pin-done = PIN 和保存的登录信息已经删除，对话保留着。打开设置就可以设定新的 PIN。
reset-pin-secrets-left = PIN 已经删除，但密码库被锁住或不可用，有些登录信息没能删除：{ $profiles }。解锁后请再运行一次。

profile-import-not-a-profile = 这不是 Warmline 的配置文件。
profile-import-unreadable = 这个文件打不开。
profile-import-invalid = 配置没有加入：有些项填写有误，已经标出来了。

check-settings-ok = 设置：已读取，内容正确。
check-settings-advice = 打开设置区，改正标出来的项，然后保存。
check-keyring-ok = 密码库：可以使用。
check-keyring-advice = 请重新登录电脑，让密码库解锁，然后再检查一次。
check-backend-demo = 服务：内置的练习服务（不需要网络）。
check-signin-demo = 登录：练习服务不需要登录。
check-backend-ok = 服务：{ $server } 可以连上（{ $ms } 毫秒回应）。
check-backend-answered = 服务：有回应（{ $ms } 毫秒）。
check-backend-unreachable = 服务：连不上。
check-backend-advice = 请检查电脑是否联网、服务地址是否正确。如果都没问题，请问问公司他们的服务是否出了故障。
check-signin-not-tried = 登录：服务连不上，所以没有尝试。
check-signin-invalid-profile = 登录：服务的信息不完整。
check-signin-ok = 登录：成功。
check-signin-refused = 登录：被服务拒绝。
check-signin-advice = 请重新填写登录信息（需要的话向公司要一个新的令牌）。
check-signin-keyring = 登录：无法从密码库读取登录信息。
check-signin-failed = 登录：服务没有正常回应。
check-microphone-ok = 麦克风：找到了（{ $device }）。
check-microphone-file = 麦克风：声音来自文件（测试设置）。
check-microphone-missing = 麦克风：没有找到。
check-microphone-advice = 请插上麦克风或耳机，然后再检查一次。没有麦克风也可以打字。
check-model-ok = 语音识别：已就绪（{ $model }）。
check-model-missing = 语音识别：还没有安装语音模型。
check-model-advice = 请在设置区下载语音模型，或者导入模型文件。
check-data-ok = 存储：对话可以保存（剩余 { $free } MB）。
check-data-missing = 存储：Warmline 没有存放对话的文件夹。
check-data-not-writable = 存储：Warmline 无法在 { $dir } 保存。
check-data-full = 存储：磁盘快满了（剩余 { $free } MB）。
check-data-advice = 请清理一些磁盘空间，或者请人检查文件夹的权限。在此期间对话保存在内存中。

settings-locked = 设置已锁定。请先输入 PIN。
settings-switch-failed = 设置已保存，但 Warmline 没能把对话转到所选的服务，暂时继续使用原来的服务。
