// The chat window's page (index.html): the elder's conversation.
import { App } from "./components/App";
import "./styles.css";
import { startWindow } from "./startWindow";

void startWindow("app-title", (backend, t) => <App backend={backend} t={t} />);
