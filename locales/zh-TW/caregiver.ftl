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
