# 用户自己的话要求真人或说到紧急情况时，Warmline 显示的提示（issue 17）。先给建议，再转真人。

notice-person-requested-fraud = 这听起来像是诈骗，Warmline 正在马上为您转接真人客服。在客服接通之前：不要转账或汇款，不要把验证码、密码告诉任何人；要联系银行，请拨打银行卡背面的电话，不要打别人给您的号码。
notice-person-requested-money = Warmline 正在马上为您转接真人客服。您也可以先拨打银行卡背面的电话挂失冻结。不要把验证码、密码告诉任何人。
notice-call-emergency-number = 如果有人受伤或身体很不舒服，请马上拨打 120，不要等这里的回复。
notice-person-requested-complaint = 您要投诉，Warmline 正在为您转接真人客服，不用再说一遍。
