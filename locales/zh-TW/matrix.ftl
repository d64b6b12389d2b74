# Warmline 發到 Matrix 客服房間、給客服人員看的提示（不在 Warmline 視窗裡顯示）。
# 用使用者的語言書寫；見 docs/MATRIX.md。

matrix-handoff-title = Warmline：這位使用者想找真人客服。
matrix-handoff-reason-button = 使用者按了「找真人客服」按鈕。
matrix-handoff-reason-userAsked = 使用者自己開口要求轉真人。
matrix-handoff-reason-botFailed = 自動回覆沒能幫上使用者。
matrix-handoff-reason-complaint = 使用者要投訴。
matrix-handoff-reason-other = 使用者要求轉真人。
matrix-handoff-urgent = 緊急：{ $topic }。請優先處理。
matrix-urgent-fraud = 可能遇到詐騙
matrix-urgent-stolenMoney = 帳戶裡的錢被人轉走
matrix-urgent-unauthorizedCharge = 有一筆不是本人付的款項
matrix-urgent-medical = 突發急病
matrix-urgent-other = 緊急情況
matrix-handoff-topic = 問題：{ $topic }
matrix-handoff-user-asked = 使用者問了：
matrix-handoff-bot-answered = 自動助理答了：
matrix-handoff-language = 使用者的語言：{ $language }
matrix-handoff-cancelled = Warmline：這位使用者現在不需要真人客服了。
matrix-left-message-title = Warmline：這位使用者留了言（編號 { $reference }）：
matrix-left-message-callback = 請回電 { $phone }（{ $time }）。
