import { useCallback, useRef, useState } from "preact/hooks";
import { isUiError, toDisplayError, type ConversationService, type DisplayError } from "./backend/types";
import { EMPTY_LEAVE_MESSAGE, type LeaveMessageFields } from "./components/LeaveMessageForm";

const EMPTY_MESSAGE_ERROR: DisplayError = { messageId: "error-empty-message", args: {} };

/** Why the last attempt failed; `retry`: pressing again is the way forward. */
export interface LeaveMessageFailure {
  error: DisplayError;
  retry: boolean;
}

export interface LeaveMessage {
  fields: LeaveMessageFields;
  setFields: (fields: LeaveMessageFields) => void;
  /** The service has not confirmed yet. */
  busy: boolean;
  failure: LeaveMessageFailure | null;
  submit: () => void;
  textRef: { current: HTMLTextAreaElement | null };
  errorRef: { current: HTMLDivElement | null };
}

/**
 * The leave-a-message form's state, kept by the screen rather than by the
 * form, so that nothing typed is lost when the form is hidden and shown
 * again. `onLeft` runs once the service confirmed (the form goes away then).
 */
export function useLeaveMessage(service: ConversationService, onLeft: () => void): LeaveMessage {
  const [fields, setFields] = useState<LeaveMessageFields>(EMPTY_LEAVE_MESSAGE);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<LeaveMessageFailure | null>(null);
  const leavingRef = useRef(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  const leave = useCallback(async () => {
    if (leavingRef.current) {
      return;
    }
    const text = fields.text.trim();
    const phone = fields.phone.trim();
    const time = fields.time.trim();
    if (text === "" && phone === "") {
      setFailure({ error: EMPTY_MESSAGE_ERROR, retry: false });
      textRef.current?.focus();
      requestAnimationFrame(() => {
        errorRef.current?.scrollIntoView({ block: "nearest" });
      });
      return;
    }
    leavingRef.current = true;
    setBusy(true);
    setFailure(null);
    try {
      // A time means something only with a phone number to call.
      await service.leaveMessage(text, phone === "" ? null : phone, phone === "" || time === "" ? null : time);
      setFields(EMPTY_LEAVE_MESSAGE);
      onLeft();
    } catch (reason) {
      // Everything typed stays in the form; the error is brought into view
      // (the form may scroll in a small window).
      const retry = !(isUiError(reason) && reason.code === "emptyMessage");
      setFailure({ error: toDisplayError(reason), retry });
      requestAnimationFrame(() => {
        errorRef.current?.scrollIntoView({ block: "nearest" });
      });
    } finally {
      leavingRef.current = false;
      setBusy(false);
    }
  }, [service, fields, onLeft]);

  const submit = useCallback(() => {
    void leave();
  }, [leave]);

  return { fields, setFields, busy, failure, submit, textRef, errorRef };
}
