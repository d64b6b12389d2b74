# Warmline 界面文字（简体中文）。与 en-US 保持相同的消息 ID 和占位符。

app-title = Warmline 暖线
demo-banner = 演示模式：您正在与 Warmline 内置的演示服务对话，不是真实的公司。

## “找真人”按钮与转人工状态

person-button = 找真人客服
person-cancel-button = 不再等待
person-button-suggested = 推荐
handoff-requested = 您已请求人工客服，正在等待服务方回应。
handoff-requested-offline = 您已请求人工客服。请求已保留，连接恢复后会马上发出。
handoff-queued-position =
    { $position ->
        [1] 下一位就是您。
       *[other] 您排在第 { $position } 位。
    }
handoff-wait-minutes =
    { $minutes ->
        [0] 预计等待：不到一分钟。
       *[other] 预计等待：大约 { $minutes } 分钟。
    }
handoff-queued = 您正在等待人工客服。您的位置会保留，您可以继续输入。
handoff-queued-unknown = 您正在等待人工客服。服务方没有告知需要多久。您的位置会保留，您可以继续输入。
handoff-connected = 您正在与{ $name }交谈。
handoff-connected-demo = 您正在与{ $name }（演示客服）交谈。
handoff-unavailable = 现在没有客服人员有空。
handoff-unavailable-leave-message = 您可以在下面留言或请求回电，也可以稍后再试。
handoff-unavailable-try-later = 请稍后再按“找真人客服”试一次。
handoff-message-left = 您的留言已收到，编号是 { $reference }。会有人联系您。
handoff-callback-requested = 您已请求回电，编号是 { $reference }。会有人打电话给您。

## 对话

transcript-label = 对话记录
author-you = 您
author-bot = { $name }
author-bot-demo = { $name }（演示助手）
author-agent = { $name }
author-agent-demo = { $name }（演示客服）
author-system = Warmline
delivery-sending = 正在发送…
delivery-sent = 已发送
delivery-will-retry = 尚未发送，会尽快自动重发。
delivery-failed = 这条消息无法发送。
typing = { $name }正在输入…

## 输入

composer-label = 您的消息
composer-placeholder = 请在这里输入您的消息
send-button = 发送

## 连接

connection-connecting = 正在连接…
connection-online = 已连接
connection-reconnecting = 正在重新连接，您的消息不会丢失。

## Warmline 在对话中加入的提示

notice-person-requested = 您已请求与真人客服交谈。
notice-person-requested-words = 您要求人工客服，Warmline 正在为您转接，不用再说一遍。
notice-person-requested-urgent = 这听起来很紧急，Warmline 正在马上为您转接真人客服。如果您有危险或需要医生，请拨打当地急救电话（120）或报警（110）。
notice-person-cancelled = 您已取消人工客服请求。
notice-agent-joined = { $name }加入了对话。
notice-agent-left = { $name }离开了对话。
notice-nobody-available = 现在没有客服人员有空，请稍后再试。
notice-nobody-available-leave-message = 现在没有客服人员有空。您可以留言，会有人联系您。
notice-conversation-continues = 对话继续进行，您写过的内容都还在。
notice-offer-person = 看起来助手没能帮到您。您想和真人客服说话吗？请按“找真人客服”。
notice-offer-person-words = 您想和真人客服说话吗？请按“找真人客服”，Warmline 会为您转接。
notice-message-left = 您的留言已收到，编号是 { $reference }。会有人联系您。
notice-callback-requested = 您的回电请求已收到。我们会打电话到 { $phone }（{ $time }）。编号是 { $reference }。
notice-callback-requested-any-time = 您的回电请求已收到。我们会打电话到 { $phone }。编号是 { $reference }。

## 留言或请求回电（没有客服人员有空时）

leave-message-title = 留言或请求回电
leave-message-label = 给客服的留言
leave-message-callback-hint = 如果希望有人给您回电，请留下电话号码。
leave-message-phone-label = 您的电话号码（可不填）
leave-message-time-label = 方便接电话的时间（可不填）
leave-message-time-example = 例如：明天上午
leave-message-submit = 提交留言
leave-message-try-again = 您写的内容都还在。请再按一次“提交留言”。

## 错误

error-empty-message = 请先输入内容再发送。
error-backend-unreachable = 暂时无法连接服务。内容不会丢失，Warmline 会继续尝试。
error-backend-malformed = 服务发来了 Warmline 无法读取的内容。内容没有丢失。
error-backend-rejected = 服务没有接受这个请求。您写的内容没有丢失。
error-unsupported = 这个服务不提供此功能。
error-engine-stopped = Warmline 正在关闭，请重新打开。
error-storage-failed = Warmline 无法在这台电脑上保存对话。您可以继续输入，但关闭 Warmline 后记录可能不会保留。
error-sign-in-refused = Warmline 无法登录客服服务。请联系为您设置的人。您写的内容没有丢失，登录恢复后会发送出去。
error-credentials-unavailable = Warmline 暂时读取不到这台电脑上保存的登录信息，正在继续尝试。您写的内容没有丢失。
error-unknown = 出了点问题。您写的内容没有丢失。

## Speaking instead of typing (the microphone button beside the text box)

voice-button-speak = 说话
voice-button-stop = 停止
voice-button-working = 正在处理…
voice-button-label = 用说话代替打字
voice-listening = 正在听。请说出您的话，说完按“停止”。您也可以直接停下不说。
voice-working = 正在处理，正在把您的话变成文字。
voice-done = 好了。您的话已经放进输入框。请检查一下，然后按“发送”。
voice-done-sent = 好了。您的话已经发送。
voice-nothing-heard = 没有听到声音。请按“说话”再试一次，离麦克风近一点。
voice-level-label = 您的音量
voice-partial = 目前听到：{ $text }
voice-no-model = 说话功能需要语音模型，这台电脑上还没有。您可以继续打字。
voice-model-download = 获取语音模型（{ $megabytes } MB）
voice-model-downloading = 正在获取语音模型：{ $percent }%
voice-model-downloading-unknown = 正在获取语音模型…
voice-model-corrupt = 这台电脑上的语音模型已损坏，请重新获取。您可以继续打字。
voice-model-ready = 语音模型已准备好。按“说话”就可以说。
voice-error-no-microphone = 没有找到麦克风。请插上麦克风，或者继续打字。
voice-error-permission-denied = Warmline 没有使用麦克风的权限。可以请人在电脑设置里允许。您可以继续打字。
voice-error-device-lost = 麦克风停止工作了。已经听到的内容都保留着。
voice-error-no-model = 说话功能需要语音模型，这台电脑上还没有。您可以继续打字。
voice-error-model-corrupt = 这台电脑上的语音模型已损坏，请重新获取。您可以继续打字。
voice-error-out-of-memory = 这台电脑的可用内存不够，无法把语音变成文字。请关闭其他程序再试，或者继续打字。
voice-error-download-failed = 语音模型下载失败。请检查网络后再试；已下载的部分会保留。
voice-error-checksum-mismatch = 下载的语音模型文件不对，所以没有使用。请再试一次。
voice-error-recognition-failed = 没能把您的话变成文字。请再试一次，或者改用打字。
voice-error-audio-file = 无法读取录音。请再试一次，或者改用打字。
