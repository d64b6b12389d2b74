# 長者的視窗：按下按鈕後的回答和簡短提示（其餘見 warmline.ftl）。

## 請求仍在時再按「找真人客服」
person-already-asked = 您已經請求了真人客服，請求仍然有效。

## 小視窗裡一行放得下的簡短說法
demo-banner-short = 示範模式：不是真實的公司。
# The demo banner in a window narrower than 400 CSS px (400 % zoom), where even the short form takes two lines.
demo-banner-tiny = 示範模式
composer-placeholder-short = 在這裡輸入
voice-no-model-short = 語音輸入還沒有設定好。
voice-model-corrupt-short = 語音輸入需要修復。
voice-notice-hide = 隱藏
voice-pressed-no-model = 麥克風還不能聽：缺少語音模型。請幫您安裝 Warmline 的人在設定裡新增，或在下面取得。您可以繼續打字。

## 等待真人客服時，機器人說「不明白」之後
notice-person-request-stands = 您的真人客服請求仍然有效，您的位置會保留。

## 留言：表單佔用視窗，也可以回到對話
leave-message-back = 回到對話
leave-message-open = 留言
