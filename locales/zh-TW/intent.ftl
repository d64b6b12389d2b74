# 使用者自己的話要求真人或提到緊急情況時，Warmline 顯示的提示（issue 17）。先給建議，再轉真人。

notice-person-requested-fraud = 這聽起來像是詐騙，Warmline 正在馬上為您轉接真人客服。在客服接通之前：不要轉帳或匯款，不要把驗證碼、密碼告訴任何人；要聯絡銀行，請撥打卡片背面的電話，不要打別人給您的號碼。
notice-person-requested-money = Warmline 正在馬上為您轉接真人客服。您也可以先撥打卡片背面的電話掛失止付。不要把驗證碼、密碼告訴任何人。
notice-call-emergency-number = 如果有人受傷或身體很不舒服，請馬上撥打 119，不要等這裡的回覆。
notice-person-requested-complaint = 您要客訴，Warmline 正在為您轉接真人客服，不用再說一遍。
