// The settings window's page (settings.html): the caregiver's area, in a
// window of its own so that its commands are granted to it alone.
import "./styles.css";
import "./settings.css";
import { SettingsApp } from "./screens/settings/SettingsApp";
import { startWindow } from "./startWindow";

void startWindow("settings-title", (backend) => (t) => <SettingsApp backend={backend} t={t} />);
