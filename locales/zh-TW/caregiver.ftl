# 照護者的設定：設定檔、密碼庫、PIN、設定檔案和「全部檢查」（warmline-settings）。

settings-problem-damaged = Warmline 讀不了它的設定。請聯絡幫您設定的人。
settings-problem-foreign = Warmline 找到的設定檔不是它自己的。請聯絡幫您設定的人。
settings-problem-newer = 這些設定是由更新版本的 Warmline 做的。請聯絡幫您設定的人。
settings-problem-invalid = Warmline 的部分設定有誤。請聯絡幫您設定的人。
settings-problem-unreadable = Warmline 沒有權限讀取它的設定。請聯絡幫您設定的人。
settings-save-invalid = 設定沒有儲存：有些項目填寫有誤，已經標出來了。
settings-save-failed = 設定無法儲存到這台電腦上。什麼都沒有改動。

keyring-secret-missing = 這個服務的登入資訊還沒有填寫。
keyring-locked = Warmline 拿不到登入資訊：電腦的密碼庫被鎖住了。請解鎖（重新登入電腦）後再試。
keyring-unavailable = Warmline 拿不到登入資訊：這台電腦的密碼庫無法使用。

pin-bad-form = PIN 是 4 到 8 位數字。
pin-not-set = 還沒有設定 PIN。請現在設定一個。
pin-wrong = PIN 不對。再錯 { $attemptsLeft } 次以後就要等一會兒才能再試。
pin-wait = 錯的次數太多了。請等 { $seconds } 秒後再試。
pin-storage = Warmline 讀不了它的 PIN。請用 --reset-pin 啟動一次 Warmline 來重新設定（對話會保留）。
reset-pin-done = PIN 和儲存的登入資訊已經刪除，對話保留著。打開設定就可以設定新的 PIN。
reset-pin-secrets-left = PIN 已經刪除，但密碼庫被鎖住或無法使用，有些登入資訊沒能刪除：{ $profiles }。解鎖後請再執行一次。

profile-import-not-a-profile = 這不是 Warmline 的設定檔案。
profile-import-unreadable = 這個檔案打不開。
profile-import-invalid = 設定沒有加入：有些項目填寫有誤，已經標出來了。

check-settings-ok = 設定：已讀取，內容正確。
check-settings-advice = 打開設定區，改正標出來的項目，然後儲存。
check-keyring-ok = 密碼庫：可以使用。
check-keyring-advice = 請重新登入電腦，讓密碼庫解鎖，然後再檢查一次。
check-backend-demo = 服務：內建的練習服務（不需要網路）。
check-signin-demo = 登入：練習服務不需要登入。
check-backend-ok = 服務：{ $server } 可以連上（{ $ms } 毫秒回應）。
check-backend-answered = 服務：有回應（{ $ms } 毫秒）。
check-backend-unreachable = 服務：連不上。
check-backend-advice = 請檢查電腦是否連上網路、服務位址是否正確。如果都沒問題，請問問公司他們的服務是否出了故障。
check-signin-not-tried = 登入：服務連不上，所以沒有嘗試。
check-signin-invalid-profile = 登入：服務的資訊不完整。
check-signin-ok = 登入：成功。
check-signin-refused = 登入：被服務拒絕。
check-signin-advice = 請重新填寫登入資訊（需要的話向公司要一個新的權杖）。
check-signin-keyring = 登入：無法從密碼庫讀取登入資訊。
check-signin-failed = 登入：服務沒有正常回應。
check-microphone-ok = 麥克風：找到了（{ $device }）。
check-microphone-file = 麥克風：聲音來自檔案（測試設定）。
check-microphone-missing = 麥克風：沒有找到。
check-microphone-advice = 請插上麥克風或耳機，然後再檢查一次。沒有麥克風也可以打字。
check-model-ok = 語音辨識：已就緒（{ $model }）。
check-model-missing = 語音辨識：還沒有安裝語音模型。
check-model-advice = 請在設定區下載語音模型，或者匯入模型檔案。
check-data-ok = 儲存空間：對話可以儲存（剩餘 { $free } MB）。
check-data-missing = 儲存空間：Warmline 沒有存放對話的資料夾。
check-data-not-writable = 儲存空間：Warmline 無法在 { $dir } 儲存。
check-data-full = 儲存空間：磁碟快滿了（剩餘 { $free } MB）。
check-data-advice = 請清理一些磁碟空間，或者請人檢查資料夾的權限。在此期間對話保存在記憶體中。

settings-locked = 設定已鎖定。請先輸入 PIN。
settings-switch-failed = 設定已儲存，但 Warmline 沒能把對話轉到所選的服務，暫時繼續使用原來的服務。
settings-window-failed = 設定無法開啟。請關閉 Warmline 後重新啟動。

## The settings area (its own window)
settings-open-button = 設定
settings-title = Warmline 設定
settings-close = 關閉設定
settings-intro = 這些設定由幫忙安裝 Warmline 的人使用。在此期間，另一個視窗裡的對話照常進行。
settings-saved = 已儲存。
settings-save = 儲存
settings-problem-field = { $field }：{ $problem }
settings-problem-kept = 無法讀取的檔案已保留為 { $file }。

## The elder's text size buttons (in the chat window)
text-size-group = 文字大小
text-size-smaller = 文字小一點
text-size-bigger = 文字大一點

## The PIN
pin-choose-title = 為設定選擇一組密碼
pin-choose-help = 請選擇 4 到 8 位數字。每次開啟設定都需要它。請寫下來放在安全的地方。
pin-confirm-title = 請再輸入一次同樣的密碼
pin-confirm-help = 再輸入一次同樣的數字，確保沒有輸錯。
pin-choose-mismatch = 兩次輸入的密碼不一樣。請重新選擇密碼。
pin-enter-title = 輸入密碼
pin-enter-help = 設定已鎖定。請輸入安裝 Warmline 時選擇的密碼。
pin-field-label = 密碼
pin-pad-label = 數字
pin-erase = 刪除
pin-ok-next = 下一步
pin-ok-choose = 儲存這組密碼
pin-ok-enter = 開啟設定
pin-wait-minutes = 錯誤次數太多。請等 { $minutes } 分鐘後再試。
pin-forgot = 忘記密碼？請用「warmline --reset-pin」啟動一次 Warmline。對話會保留；登入資料需要重新輸入。

## Services (backend profiles)
section-profiles = Warmline 可以連線的服務
profile-demo-name = 練習服務（示範，不是真實公司）
profile-in-use = 使用中
profile-use = 使用這個
profile-edit = 修改
profile-test = 測試
profile-export = 匯出
profile-delete = 刪除
profile-delete-confirm = 刪除「{ $name }」嗎？它的登入資料也會被刪除。它的對話仍保留在這台電腦上。
profile-delete-yes = 是的，刪除
profile-delete-no = 不，保留
profile-add = 新增服務
profile-add-title = 新服務
profile-edit-title = 修改這個服務
profile-kind-label = 服務類型
profile-kind-demo = 練習服務
profile-kind-relay = 公司的 Warmline 伺服器（中繼）
profile-kind-matrix = Matrix
profile-kind-chatwoot = Chatwoot
profile-kind-tiered = 先由自動助理回答，再轉真人
profile-human-kind = 要求真人時由誰回答
profile-field-name = 名稱（只在這裡顯示，例如「我的銀行」）
profile-save = 儲存這個服務
profile-cancel = 取消
profile-saved = 服務「{ $name }」已儲存。
profile-chosen = Warmline 現在連線到「{ $name }」。
profile-deleted = 「{ $name }」已刪除。
profile-imported = 服務已新增。
field-optional = （可以不填）
field-path-hint = 檔案的完整位置，例如 /home/anna/company.pem 或 C:\Users\Anna\company.pem。
field-list-hint = 可以填多個，用逗號分開。
field-relay-url = 伺服器位址（以 wss:// 開頭）
field-extra-ca = 公司自己的憑證檔案
field-matrix-homeserver = 主伺服器位址（以 https:// 開頭）
field-matrix-user = 使用 Warmline 的人的 Matrix 帳號（例如 @anna:example.org）
field-matrix-room = 客服聊天室（!id 或 #別名）
field-matrix-support-account = 沒有客服聊天室時，要聯絡的客服帳號
field-matrix-agents = 負責回答的人員帳號
field-chatwoot-server-url = Chatwoot 位址（以 https:// 開頭）
field-chatwoot-inbox = 收件匣識別碼
field-chatwoot-contact-name = 公司員工看到的名字
field-chatwoot-contact-identifier = 客戶編號
field-chatwoot-agent-locale = 員工閱讀的語言（例如 zh-TW）
field-openai-base-url = 助理的位址（以 https:// 開頭）
field-openai-model = 模型名稱
field-openai-assistant-name = 助理的名字
field-openai-handoff-summary = 讓助理另外為接手的真人客服寫一段簡短摘要
field-openai-summary-language = 摘要使用的語言（例如 zh-TW；留空則用使用者的語言）
field-openai-second-opinion = 規則看不懂一則訊息時，請助理判斷使用者是否想找真人（判斷為是時只會提議，不會直接轉接）
secret-token = 登入權杖
secret-accessToken = 存取權杖（或留空並填寫密碼）
secret-password = 密碼
secret-hmac-token = 身分驗證權杖（只有公司提供時才填）
secret-apiKey = 助理的 API 金鑰
secret-new-hint = 保存在電腦的密碼庫中，不會再顯示。
secret-stored-hint = 留空則保留已儲存的內容。在這裡輸入的內容保存在電腦的密碼庫中，不會再顯示。

## Language and text size
section-display = 語言和文字大小
display-language = 語言
display-language-system = 電腦的語言
language-en-US = English
language-zh-CN = 简体中文
language-zh-TW = 繁體中文
display-text-size = 文字大小（兩個視窗都適用）
display-percent = { $percent } %
display-show-buttons = 在對話視窗中顯示「文字小一點」和「文字大一點」按鈕
display-notifications = Warmline 視窗被其他視窗遮住時，有新回覆就顯示系統通知

## 朗讀回覆
section-read-aloud = 朗讀回覆
read-aloud-intro = 電腦用自己的聲音把每則新回覆和排隊的每次變化朗讀一遍，使用上面選擇的語言。即使這裡關閉，每則回覆下面的「再讀一遍」也可以使用；麥克風在聽的時候不會朗讀。
read-aloud-enabled = 朗讀每則新回覆
read-aloud-rate = 朗讀速度
read-aloud-rate-normal = { $percent } %（正常）
read-aloud-voice = 聲音
read-aloud-voice-system = 電腦在這種語言下常用的聲音

## Speaking instead of typing
section-voice = 用說話代替打字
voice-send-at-once = 說完的話立即送出，不用按「送出」（只在輸入框為空時）
care-model-ready = 語音模型已安裝並檢查過。
care-model-missing = 還沒有安裝語音模型（需要下載 { $megabytes } MB）。不用它也可以打字。
care-model-corrupt = 語音模型檔案已損壞。請重新下載或重新匯入檔案。
care-model-downloading = 正在下載語音模型：已完成 { $percent } %。
care-model-downloading-unknown = 正在下載語音模型…
voice-download = 下載語音模型
voice-import-label = 或者匯入這台電腦上已有的語音模型檔案
voice-import-button = 匯入這個檔案
voice-imported = 語音模型檔案已匯入並檢查過。
voice-mirror = 從這裡下載語音模型
voice-mirror-help = 只在無法連上 huggingface.co 時需要，例如 https://hf-mirror.com/ggerganov/whisper.cpp/resolve/main/（下次啟動 Warmline 時生效）。
voice-mirror-saved = 已儲存。新位址在下次啟動 Warmline 時生效。

## Check everything
section-check = 全面檢查
check-run = 全面檢查
check-running = 正在檢查…
check-all-passed = 一切正常。
check-some-failed = 有些地方需要處理。每一項下面都寫了該怎麼做。
check-word-passed = 正常
check-word-failed = 需要處理
check-advice = 怎麼做：{ $advice }

## Profile files
section-transfer = 設定檔（不含登入資料）
transfer-export-text = 匯出的服務：把這段文字複製到一個檔案裡寄出。其中不含登入資料。
transfer-import-title = 從檔案新增準備好的服務
transfer-import-file = 選擇設定檔
transfer-import-text = 或者把檔案的文字貼到這裡
transfer-import-secrets = 這個服務需要登入資料（會保存到電腦的密碼庫中）：
transfer-import-activate = 立即使用這個服務
transfer-import-go = 新增服務
