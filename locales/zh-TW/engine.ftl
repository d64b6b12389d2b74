# 對話引擎自己的狀態和操作：登入、重新傳送。（對話裡的提示在 warmline.ftl。）

# 客服服務拒絕 Warmline 登入期間，狀態列顯示。
connection-sign-in-needed = 正在等登入問題解決。您寫的內容都保留著，到時會傳送出去。

# 傳送失敗的訊息下面那個大按鈕：再傳一次。
message-try-again = 重新傳送

# 留言在等網路恢復時，狀態列顯示。
handoff-message-queued = 您的留言已經儲存好了，網路一恢復就會轉交。
handoff-callback-queued = 您的回電請求已經儲存好了，網路一恢復就會轉交。

# 對話裡：連不上客服時留下的留言。
notice-message-queued = Warmline 已經儲存了您的留言，等連上客服後會自動轉交。
notice-callback-queued = Warmline 已經儲存了您的回電請求，等連上客服後會自動轉交。
notice-message-not-left = 您的留言沒能轉交出去。請再試一次，或者過一會兒再找真人客服。
