import type { WarmlineBackend } from "../backend/types";
import { handoffAttribute } from "../conversation";
import type { Localizer } from "../i18n";
import { ChatScreen } from "../screens/ChatScreen";
import { useConversation } from "../useConversation";

/**
 * The window: follows the conversation for as long as the app runs (so that
 * no event is missed whatever screen is shown) and shows one screen. Today
 * that is the chat; the caregiver's settings will be a second screen next to
 * it, chosen here, with the chat screen left as it is.
 */
export function App({ backend, t }: { backend: WarmlineBackend; t: Localizer }) {
  const [view, dispatch] = useConversation(backend.conversation);
  return (
    <div
      id="app"
      class="app"
      data-screen="chat"
      data-handoff-state={handoffAttribute(view.handoff)}
      data-connection={view.connection}
      data-loaded={view.loaded ? "true" : "false"}
    >
      <ChatScreen backend={backend} view={view} dispatch={dispatch} t={t} />
    </div>
  );
}
