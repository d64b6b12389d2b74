// The same readiness mark as Warmline's window sets once its text box
// accepts typing (ui/src/screens/ChatScreen.tsx).
document.getElementById("composer-input").focus();
performance.mark("warmline-interactive");
