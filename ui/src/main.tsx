// The chat window's page (index.html): the elder's conversation.
import { App } from "./components/App";
import "./styles.css";
import { startWindow } from "./startWindow";
import { startFollowing } from "./useConversation";

// The conversation is subscribed to and fetched while the language is still
// being asked for; the first render then usually has the snapshot already.
void startWindow("app-title", (backend) => {
  const following = startFollowing(backend.conversation);
  return (t) => <App backend={backend} t={t} following={following} />;
});
