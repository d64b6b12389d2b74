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
