# Warmline 介面文字（繁體中文）。與 en-US 保持相同的訊息 ID 和佔位符。

app-title = Warmline 暖線
demo-banner = 示範模式：您正在與 Warmline 內建的示範服務對話，不是真實的公司。

## 「找真人」按鈕與轉人工狀態

person-button = 找真人客服
person-cancel-button = 不再等待
person-button-suggested = 推薦
handoff-requested = 您已請求真人客服，正在等待服務方回應。
handoff-requested-offline = 您已請求真人客服。請求已保留，連線恢復後會馬上送出。
handoff-queued-position =
    { $position ->
        [1] 下一位就是您。
       *[other] 您排在第 { $position } 位。
    }
handoff-wait-minutes =
    { $minutes ->
        [0] 預計等待：不到一分鐘。
       *[other] 預計等待：大約 { $minutes } 分鐘。
    }
handoff-queued = 您正在等待真人客服。您的位置會保留，您可以繼續輸入。
handoff-queued-unknown = 您正在等待真人客服。服務方沒有告知需要多久。您的位置會保留，您可以繼續輸入。
handoff-connected = 您正在與{ $name }交談。
handoff-connected-demo = 您正在與{ $name }（示範客服）交談。
handoff-unavailable = 現在沒有客服人員有空。
handoff-unavailable-leave-message = 您可以在下面留言或請求回電，也可以稍後再試。
handoff-unavailable-try-later = 請稍後再按「找真人客服」試一次。
handoff-message-left = 您的留言已收到，編號是 { $reference }。會有人聯絡您。
handoff-callback-requested = 您已請求回電，編號是 { $reference }。會有人打電話給您。

## 對話

transcript-label = 對話紀錄
author-you = 您
author-bot = { $name }
author-bot-demo = { $name }（示範助理）
author-agent = { $name }
author-agent-demo = { $name }（示範客服）
author-system = Warmline
delivery-sending = 正在傳送…
delivery-sent = 已傳送
delivery-will-retry = 尚未傳送，會盡快自動重新傳送。
delivery-failed = 這則訊息無法傳送。
typing = { $name }正在輸入…

## 輸入

composer-label = 您的訊息
composer-placeholder = 請在這裡輸入您的訊息
send-button = 傳送

## 連線

connection-connecting = 正在連線…
connection-online = 已連線
connection-reconnecting = 正在重新連線，您的訊息不會遺失。

## Warmline 在對話中加入的提示

notice-person-requested = 您已請求與真人客服交談。
notice-person-requested-words = 您要求真人客服，Warmline 正在為您轉接，不用再說一遍。
notice-person-requested-urgent = 這聽起來很緊急，Warmline 正在馬上為您轉接真人客服。如果您有危險或需要醫生，請撥打當地緊急電話（119）或報警（110）。
notice-person-cancelled = 您已取消真人客服請求。
notice-agent-joined = { $name }加入了對話。
notice-agent-left = { $name }離開了對話。
notice-nobody-available = 現在沒有客服人員有空，請稍後再試。
notice-nobody-available-leave-message = 現在沒有客服人員有空。您可以留言，會有人聯絡您。
notice-conversation-continues = 對話繼續進行，您寫過的內容都還在。
notice-offer-person = 看起來助理沒能幫到您。您想和真人客服說話嗎？請按「找真人客服」。
notice-offer-person-words = 您想和真人客服說話嗎？請按「找真人客服」，Warmline 會為您轉接。
notice-message-left = 您的留言已收到，編號是 { $reference }。會有人聯絡您。
notice-callback-requested = 您的回電請求已收到。我們會打電話到 { $phone }（{ $time }）。編號是 { $reference }。
notice-callback-requested-any-time = 您的回電請求已收到。我們會打電話到 { $phone }。編號是 { $reference }。

## 留言或請求回電（沒有客服人員有空時）

leave-message-title = 留言或請求回電
leave-message-label = 給客服的留言
leave-message-callback-hint = 如果希望有人回電給您，請留下電話號碼。
leave-message-phone-label = 您的電話號碼（可不填）
leave-message-time-label = 方便接電話的時間（可不填）
leave-message-time-example = 例如：明天上午
leave-message-submit = 送出留言
leave-message-try-again = 您寫的內容都還在。請再按一次「送出留言」。

## 錯誤

error-empty-message = 請先輸入內容再傳送。
error-backend-unreachable = 暫時無法連線到服務。內容不會遺失，Warmline 會繼續嘗試。
error-backend-malformed = 服務傳來了 Warmline 無法讀取的內容。內容沒有遺失。
error-backend-rejected = 服務沒有接受這個請求。您寫的內容沒有遺失。
error-unsupported = 這個服務不提供此功能。
error-engine-stopped = Warmline 正在關閉，請重新開啟。
error-storage-failed = Warmline 無法在這台電腦上儲存對話。您可以繼續輸入，但關閉 Warmline 後紀錄可能不會保留。
error-sign-in-refused = Warmline 無法登入客服服務。請聯絡為您設定的人。您寫的內容沒有遺失，登入恢復後會傳送出去。
error-credentials-unavailable = Warmline 暫時讀取不到這台電腦上儲存的登入資訊，正在繼續嘗試。您寫的內容沒有遺失。
error-unknown = 出了點問題。您寫的內容沒有遺失。

## Speaking instead of typing (the microphone button beside the text box)

voice-button-speak = 說話
voice-button-stop = 停止
voice-button-working = 正在處理…
voice-button-label = 用說話代替打字
voice-listening = 正在聽。請說出您的話，說完按「停止」。您也可以直接停下不說。
voice-working = 正在處理，正在把您的話變成文字。
voice-done = 好了。您的話已經放進輸入框。請檢查一下，然後按「傳送」。
voice-done-sent = 好了。您的話已經傳送。
voice-nothing-heard = 沒有聽到聲音。請按「說話」再試一次，離麥克風近一點。
voice-level-label = 您的音量
voice-partial = 目前聽到：{ $text }
voice-no-model = 說話功能需要語音模型，這台電腦上還沒有。您可以繼續打字。
voice-model-download = 取得語音模型（{ $megabytes } MB）
voice-model-downloading = 正在取得語音模型：{ $percent }%
voice-model-downloading-unknown = 正在取得語音模型…
voice-model-corrupt = 這台電腦上的語音模型已損壞，請重新取得。您可以繼續打字。
voice-model-ready = 語音模型已準備好。按「說話」就可以說。
voice-error-no-microphone = 沒有找到麥克風。請插上麥克風，或者繼續打字。
voice-error-permission-denied = Warmline 沒有使用麥克風的權限。可以請人在電腦設定裡允許。您可以繼續打字。
voice-error-device-lost = 麥克風停止運作了。已經聽到的內容都保留著。
voice-error-no-model = 說話功能需要語音模型，這台電腦上還沒有。您可以繼續打字。
voice-error-model-corrupt = 這台電腦上的語音模型已損壞，請重新取得。您可以繼續打字。
voice-error-out-of-memory = 這台電腦的可用記憶體不夠，無法把語音變成文字。請關閉其他程式再試，或者繼續打字。
voice-error-download-failed = 語音模型下載失敗。請檢查網路後再試；已下載的部分會保留。
voice-error-checksum-mismatch = 下載的語音模型檔案不對，所以沒有使用。請再試一次。
voice-error-recognition-failed = 沒能把您的話變成文字。請再試一次，或者改用打字。
voice-error-audio-file = 無法讀取錄音。請再試一次，或者改用打字。
