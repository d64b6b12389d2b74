# 對話引擎自己的狀態和操作：登入、重新傳送。（對話裡的提示在 warmline.ftl。）

# 客服服務拒絕 Warmline 登入期間，狀態列顯示。
connection-sign-in-needed = 正在等登入問題解決。您寫的內容都保留著，到時會傳送出去。
