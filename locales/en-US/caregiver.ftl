# The caregiver's set-up: the settings file, the keyring, the PIN, profile
# files and "check everything" (crate warmline-settings).

settings-problem-damaged = Warmline could not read its settings. Ask the person who set it up.
settings-problem-foreign = Warmline found a settings file that is not its own. Ask the person who set it up.
settings-problem-newer = The settings were made by a newer Warmline. Ask the person who set it up.
settings-problem-invalid = Some of Warmline's settings are wrong. Ask the person who set it up.
settings-problem-unreadable = Warmline is not allowed to read its settings. Ask the person who set it up.
settings-save-invalid = The settings were not saved: some fields are wrong. They are marked.
settings-save-failed = The settings could not be saved on this computer. Nothing was changed.

keyring-secret-missing = The sign-in details for this service have not been entered yet.
keyring-locked = Warmline cannot reach its sign-in details: the computer's password store is locked. Unlock it (sign in to the computer again), then try again.
keyring-unavailable = Warmline cannot reach its sign-in details: this computer's password store is not available.

pin-bad-form = A PIN is 4 to 8 digits.
pin-not-set = No PIN has been chosen yet. Choose one now.
pin-wrong = That PIN is not right. { $attemptsLeft } more tries before Warmline asks you to wait.
pin-wait = Too many wrong tries. Please wait { $seconds } seconds, then try again.
pin-storage = Warmline cannot read its PIN. Start Warmline once with --reset-pin to choose a new one (the conversation is kept).
reset-pin-done = The PIN and the saved sign-in details were removed. The conversation was kept. Open the settings to choose a new PIN.
reset-pin-secrets-left = The PIN was removed, but some sign-in details could not be removed because the password store is locked or not available: { $profiles }. Run this again once it is unlocked.

profile-import-not-a-profile = This is not a Warmline profile file.
profile-import-unreadable = This file cannot be opened.
profile-import-invalid = The profile was not added: some fields are wrong. They are marked.

check-settings-ok = Settings: read and correct.
check-settings-advice = Open the settings area and correct the marked fields, then save.
check-keyring-ok = Password store: available.
check-keyring-advice = Sign in to the computer again so its password store unlocks, then check again.
check-backend-demo = Service: the built-in practice service (no network needed).
check-signin-demo = Sign-in: the practice service needs none.
check-backend-ok = Service: reachable at { $server } (answered in { $ms } ms).
check-backend-answered = Service: answered (in { $ms } ms).
check-backend-unreachable = Service: cannot be reached.
check-backend-advice = Check that the computer is online and the service address is right. If it is, ask the company whether their service is down.
check-signin-not-tried = Sign-in: not tried, because the service cannot be reached.
check-signin-invalid-profile = Sign-in: the service's details are incomplete.
check-signin-ok = Sign-in: accepted.
check-signin-refused = Sign-in: refused by the service.
check-signin-advice = Enter the sign-in details again (ask the company for a new token if needed).
check-signin-keyring = Sign-in: the sign-in details cannot be read from the password store.
check-signin-failed = Sign-in: the service did not answer properly.
check-microphone-ok = Microphone: found ({ $device }).
check-microphone-file = Microphone: sound comes from a file (test set-up).
check-microphone-missing = Microphone: none found.
check-microphone-advice = Plug in a microphone or a headset, then check again. Typing works without one.
check-model-ok = Speech recognition: ready ({ $model }).
check-model-missing = Speech recognition: no speech model is installed.
check-model-advice = In the settings area, download a speech model or import a model file.
check-data-ok = Storage: the conversation can be saved ({ $free } MB free).
check-data-missing = Storage: Warmline has no folder for the conversation.
check-data-not-writable = Storage: Warmline cannot save in { $dir }.
check-data-full = Storage: the disk is almost full ({ $free } MB free).
check-data-advice = Free some space on the disk or ask someone to check the folder's permissions. The conversation stays in memory meanwhile.

settings-locked = The settings are locked. Enter the PIN first.
settings-switch-failed = The settings were saved, but Warmline could not move the conversation to the chosen service. It goes on with the one before.
settings-window-failed = The settings could not be opened. Close Warmline and start it again.

## The settings area (its own window)
settings-open-button = Settings
settings-title = Warmline settings
settings-close = Close the settings
settings-intro = These settings are for the person who sets Warmline up. The conversation goes on in the other window meanwhile.
settings-saved = Saved.
settings-save = Save
settings-problem-field = { $field }: { $problem }
settings-problem-kept = The unreadable file was kept as { $file }.

## The elder's text size buttons (in the chat window)
text-size-group = Text size
text-size-smaller = Smaller text
text-size-bigger = Bigger text

## The PIN
pin-choose-title = Choose a PIN for the settings
pin-choose-help = Choose 4 to 8 digits. They are needed every time the settings are opened. Write them down somewhere safe.
pin-confirm-title = Enter the same PIN again
pin-confirm-help = Type the same digits once more, to be sure they are right.
pin-choose-mismatch = The two PINs were not the same. Please choose the PIN again.
pin-enter-title = Enter the PIN
pin-enter-help = The settings are locked. Enter the PIN chosen when Warmline was set up.
pin-field-label = PIN
pin-pad-label = Digits
pin-erase = Erase
pin-ok-next = Next
pin-ok-choose = Save this PIN
pin-ok-enter = Open the settings
pin-wait-minutes = Too many wrong tries. Please wait { $minutes } minutes, then try again.
pin-forgot = PIN forgotten? Start Warmline once with "warmline --reset-pin". The conversation is kept; the sign-in details must be entered again.

## Services (backend profiles)
section-profiles = Services Warmline can talk to
profile-demo-name = Practice service (demo, not a real company)
profile-in-use = In use
profile-use = Use this one
profile-edit = Change
profile-test = Test
profile-export = Export
profile-delete = Delete
profile-delete-confirm = Delete "{ $name }"? Its sign-in details are removed too. Its conversation stays on this computer.
profile-delete-yes = Yes, delete it
profile-delete-no = No, keep it
profile-add = Add a service
profile-add-title = A new service
profile-edit-title = Change this service
profile-kind-label = Kind of service
profile-kind-demo = Practice service
profile-kind-relay = A company's Warmline server (relay)
profile-kind-matrix = Matrix
profile-kind-chatwoot = Chatwoot
profile-kind-tiered = An automatic assistant, then a person
profile-human-kind = Who answers when a person is asked for
profile-field-name = Name (shown only here, for example "My bank")
profile-save = Save this service
profile-cancel = Cancel
profile-saved = The service "{ $name }" was saved.
profile-chosen = Warmline now talks to "{ $name }".
profile-deleted = "{ $name }" was deleted.
profile-imported = The service was added.
field-optional = (can stay empty)
field-path-hint = The file's full location, for example /home/anna/company.pem or C:\Users\Anna\company.pem.
field-list-hint = Several can be given, separated by commas.
field-relay-url = Server address (starts with wss://)
field-extra-ca = The company's own certificate file
field-matrix-homeserver = Homeserver address (starts with https://)
field-matrix-user = Matrix account of the person using Warmline (for example @anna:example.org)
field-matrix-room = Support room (!id or #alias)
field-matrix-support-account = Support account to write to, when there is no support room
field-matrix-agents = Accounts of the people who answer
field-chatwoot-server-url = Chatwoot address (starts with https://)
field-chatwoot-inbox = Inbox identifier
field-chatwoot-contact-name = Name the company's staff will see
field-chatwoot-contact-identifier = Customer number
field-chatwoot-agent-locale = Language the staff read (for example zh-CN)
field-openai-base-url = Assistant's address (starts with https://)
field-openai-model = Model name
field-openai-assistant-name = Assistant's name
field-openai-handoff-summary = Let the assistant also write a short summary for the person who takes over
field-openai-summary-language = Language of that summary (for example zh-CN; empty: the user's language)
field-openai-second-opinion = When no rule understands a message, ask the assistant whether the user wants a person (a yes only offers one)
secret-token = Sign-in token
secret-accessToken = Access token (or leave it empty and give the password)
secret-password = Password
secret-hmac-token = Identity check token (only if the company gave one)
secret-apiKey = Assistant's API key
secret-new-hint = Kept in the computer's password store, never shown again.
secret-stored-hint = Leave empty to keep what is stored. What is typed here is kept in the computer's password store and never shown again.

## Language and text size
section-display = Language and text size
display-language = Language
display-language-system = The computer's language
language-en-US = English
language-zh-CN = 简体中文
language-zh-TW = 繁體中文
display-text-size = Text size (in both windows)
display-percent = { $percent } %
display-show-buttons = Show the "Smaller text" and "Bigger text" buttons in the conversation window
display-notifications = Show a notification of each new reply while the Warmline window is behind other windows

## Reading replies aloud
section-read-aloud = Reading replies aloud
read-aloud-intro = The computer's own voice reads each new reply and each change of the queue once, in the language above. "Read aloud again" under every reply works even when this is off, and nothing is read while the microphone listens.
read-aloud-enabled = Read each new reply aloud
read-aloud-rate = Reading speed
read-aloud-rate-normal = { $percent } % (normal)
read-aloud-voice = Voice
read-aloud-voice-system = The computer's usual voice for this language

## Speaking instead of typing
section-voice = Speaking instead of typing
voice-send-at-once = Send spoken words at once, without pressing Send (only when the text box was empty)
care-model-ready = The speech model is installed and checked.
care-model-missing = No speech model is installed yet ({ $megabytes } MB to download). Typing works without one.
care-model-corrupt = The speech model file is damaged. Download it again or import the file again.
care-model-downloading = Downloading the speech model: { $percent } % done.
care-model-downloading-unknown = Downloading the speech model…
voice-download = Download the speech model
voice-import-label = Or import a speech model file already on this computer
voice-import-button = Import this file
voice-imported = The speech model file was imported and checked.
voice-mirror = Download speech models from
voice-mirror-help = Only where huggingface.co cannot be reached, for example https://hf-mirror.com/ggerganov/whisper.cpp/resolve/main/ (used from the next start of Warmline).
voice-mirror-saved = Saved. The new address is used from the next start of Warmline.

## Check everything
section-check = Check everything
check-run = Check everything
check-running = Checking…
check-all-passed = Everything works.
check-some-failed = Some things need attention. What to do is written under each.
check-word-passed = OK
check-word-failed = Needs attention
check-advice = What to do: { $advice }

## Profile files
section-transfer = Profile files (without sign-in details)
transfer-export-text = The exported service: copy this text into a file and send it. It contains no sign-in details.
transfer-import-title = Add a prepared service from a file
transfer-import-file = Choose the profile file
transfer-import-text = Or paste the file's text here
transfer-import-secrets = This service needs its sign-in details (they go to the computer's password store):
transfer-import-activate = Use this service at once
transfer-import-go = Add the service
