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
settings-window-failed = 设置无法打开。请关闭 Warmline 后重新启动。

## The settings area (its own window)
settings-open-button = 设置
settings-title = Warmline 设置
settings-close = 关闭设置
settings-intro = 这些设置由帮忙安装 Warmline 的人使用。在此期间，另一个窗口里的对话照常进行。
settings-saved = 已保存。
settings-save = 保存
settings-problem-field = { $field }：{ $problem }
settings-problem-kept = 无法读取的文件已保留为 { $file }。

## The elder's text size buttons (in the chat window)
text-size-group = 文字大小
text-size-smaller = 文字小一点
text-size-bigger = 文字大一点

## The PIN
pin-choose-title = 为设置选择一个密码
pin-choose-help = 请选择 4 到 8 位数字。每次打开设置都需要它。请写下来放在安全的地方。
pin-confirm-title = 请再输入一次同样的密码
pin-confirm-help = 再输入一次同样的数字，确保没有输错。
pin-choose-mismatch = 两次输入的密码不一样。请重新选择密码。
pin-enter-title = 输入密码
pin-enter-help = 设置已锁定。请输入安装 Warmline 时选择的密码。
pin-field-label = 密码
pin-pad-label = 数字
pin-erase = 删除
pin-ok-next = 下一步
pin-ok-choose = 保存这个密码
pin-ok-enter = 打开设置
pin-wait-minutes = 错误次数太多。请等 { $minutes } 分钟后再试。
pin-forgot = 忘记密码？请用“warmline --reset-pin”启动一次 Warmline。对话会保留；登录信息需要重新输入。

## Services (backend profiles)
section-profiles = Warmline 可以连接的服务
profile-demo-name = 练习服务（演示，不是真实公司）
profile-in-use = 正在使用
profile-use = 使用这个
profile-edit = 修改
profile-test = 测试
profile-export = 导出
profile-delete = 删除
profile-delete-confirm = 删除“{ $name }”吗？它的登录信息也会被删除。它的对话仍保留在这台电脑上。
profile-delete-yes = 是的，删除
profile-delete-no = 不，保留
profile-add = 添加服务
profile-add-title = 新服务
profile-edit-title = 修改这个服务
profile-kind-label = 服务类型
profile-kind-demo = 练习服务
profile-kind-relay = 公司的 Warmline 服务器（中继）
profile-kind-matrix = Matrix
profile-kind-chatwoot = Chatwoot
profile-kind-tiered = 先由自动助手回答，再转人工
profile-human-kind = 要求人工时由谁回答
profile-field-name = 名称（只在这里显示，例如“我的银行”）
profile-save = 保存这个服务
profile-cancel = 取消
profile-saved = 服务“{ $name }”已保存。
profile-chosen = Warmline 现在连接“{ $name }”。
profile-deleted = “{ $name }”已删除。
profile-imported = 服务已添加。
field-optional = （可以不填）
field-path-hint = 文件的完整位置，例如 /home/anna/company.pem 或 C:\Users\Anna\company.pem。
field-list-hint = 可以填多个，用逗号分开。
field-relay-url = 服务器地址（以 wss:// 开头）
field-extra-ca = 公司自己的证书文件
field-matrix-homeserver = 主服务器地址（以 https:// 开头）
field-matrix-user = 使用 Warmline 的人的 Matrix 帐号（例如 @anna:example.org）
field-matrix-room = 客服房间（!id 或 #别名）
field-matrix-support-account = 没有客服房间时，要联系的客服帐号
field-matrix-agents = 负责回答的人员帐号
field-chatwoot-server-url = Chatwoot 地址（以 https:// 开头）
field-chatwoot-inbox = 收件箱标识
field-chatwoot-contact-name = 公司员工看到的名字
field-chatwoot-contact-identifier = 客户编号
field-chatwoot-agent-locale = 员工阅读的语言（例如 zh-CN）
field-openai-base-url = 助手的地址（以 https:// 开头）
field-openai-model = 模型名称
field-openai-assistant-name = 助手的名字
field-openai-handoff-summary = 让助手另外为接手的人工客服写一段简短摘要
field-openai-summary-language = 摘要使用的语言（例如 zh-CN；留空则用用户的语言）
field-openai-second-opinion = 规则看不懂一条消息时，请助手判断用户是否想找真人（判断为是时只会提议，不会直接转接）
secret-token = 登录令牌
secret-accessToken = 访问令牌（或留空并填写密码）
secret-password = 密码
secret-hmac-token = 身份验证令牌（只有公司提供时才填）
secret-apiKey = 助手的 API 密钥
secret-new-hint = 保存在电脑的密码库中，不会再显示。
secret-stored-hint = 留空则保留已保存的内容。在这里输入的内容保存在电脑的密码库中，不会再显示。

## Language and text size
section-display = 语言和文字大小
display-language = 语言
display-language-system = 电脑的语言
language-en-US = English
language-zh-CN = 简体中文
language-zh-TW = 繁體中文
display-text-size = 文字大小（两个窗口都适用）
display-percent = { $percent } %
display-show-buttons = 在对话窗口中显示“文字小一点”和“文字大一点”按钮
display-notifications = Warmline 窗口被其他窗口遮住时，有新回复就显示系统通知

## 朗读回复
section-read-aloud = 朗读回复
read-aloud-intro = 电脑用自己的声音把每条新回复和排队的每次变化朗读一遍，使用上面选择的语言。即使这里关闭，每条回复下面的“再读一遍”也可以使用；麦克风在听的时候不会朗读。
read-aloud-enabled = 朗读每条新回复
read-aloud-rate = 朗读速度
read-aloud-rate-normal = { $percent } %（正常）
read-aloud-voice = 声音
read-aloud-voice-system = 电脑在这种语言下常用的声音

## Speaking instead of typing
section-voice = 用说话代替打字
voice-send-at-once = 说完的话立即发送，不用按“发送”（只在输入框为空时）
care-model-ready = 语音模型已安装并检查过。
care-model-missing = 还没有安装语音模型（需要下载 { $megabytes } MB）。不用它也可以打字。
care-model-corrupt = 语音模型文件已损坏。请重新下载或重新导入文件。
care-model-downloading = 正在下载语音模型：已完成 { $percent } %。
care-model-downloading-unknown = 正在下载语音模型…
voice-download = 下载语音模型
voice-import-label = 或者导入这台电脑上已有的语音模型文件
voice-import-button = 导入这个文件
voice-imported = 语音模型文件已导入并检查过。
voice-mirror = 从这里下载语音模型
voice-mirror-help = 只在无法访问 huggingface.co 时需要，例如 https://hf-mirror.com/ggerganov/whisper.cpp/resolve/main/（下次启动 Warmline 时生效）。
voice-mirror-saved = 已保存。新地址在下次启动 Warmline 时生效。

## Check everything
section-check = 全面检查
check-run = 全面检查
check-running = 正在检查…
check-all-passed = 一切正常。
check-some-failed = 有些地方需要处理。每一项下面都写了该怎么做。
check-word-passed = 正常
check-word-failed = 需要处理
check-advice = 怎么做：{ $advice }

## Profile files
section-transfer = 配置文件（不含登录信息）
transfer-export-text = 导出的服务：把这段文字复制到一个文件里发送。其中不含登录信息。
transfer-import-title = 从文件添加准备好的服务
transfer-import-file = 选择配置文件
transfer-import-text = 或者把文件的文字粘贴到这里
transfer-import-secrets = 这个服务需要登录信息（会保存到电脑的密码库中）：
transfer-import-activate = 立即使用这个服务
transfer-import-go = 添加服务
