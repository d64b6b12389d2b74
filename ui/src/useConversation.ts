import { useCallback, useEffect, useReducer, useRef } from "preact/hooks";
import type { Dispatch } from "preact/hooks";
import { toDisplayError, type ConversationService } from "./backend/types";
import {
  initialView,
  reduceConversation,
  type ConversationAction,
  type ConversationView,
} from "./conversation";
import { markStart } from "./startMarks";

/** Waits before asking again for a snapshot that could not be fetched. */
const SNAPSHOT_RETRY_MS = [1000, 2000, 4000, 8000] as const;

/**
 * Following the conversation: subscribed to the engine's events first, then
 * the snapshot fetched, so that nothing that happens in between is lost;
 * events already contained in the snapshot (seq <= snapshot.seq) are
 * ignored by the reducer. What arrives before a window attaches is kept
 * for it, so a window can start following before its first render (in
 * parallel with asking for the language) and still see everything in order.
 */
export interface Following {
  /** The service followed. */
  readonly service: ConversationService;
  /** Takes what has arrived so far, for the view's initial state. */
  takePending(): ConversationAction[];
  /** From now on every action goes to `dispatch`, starting with any still pending. */
  attach(dispatch: Dispatch<ConversationAction>): void;
  /** Fetches a fresh snapshot unless one is already on its way. */
  resync(): void;
  /** Unsubscribes and stops retrying. */
  dispose(): void;
}

/** Starts following `service` (see {@link Following}). */
export function startFollowing(service: ConversationService): Following {
  let disposed = false;
  let fetching = false;
  let unsubscribe: (() => void) | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let target: Dispatch<ConversationAction> | null = null;
  let pending: ConversationAction[] = [];
  const dispatch = (action: ConversationAction): void => {
    if (target) {
      target(action);
    } else {
      pending.push(action);
    }
  };

  async function fetchSnapshot(attempt: number): Promise<void> {
    fetching = true;
    try {
      const snapshot = await service.snapshot();
      markStart("snapshot");
      fetching = false;
      if (!disposed) {
        dispatch({ type: "snapshot", snapshot, recovered: attempt > 0 });
      }
    } catch (reason) {
      if (disposed) {
        return;
      }
      dispatch({ type: "showError", error: toDisplayError(reason) });
      const delay = SNAPSHOT_RETRY_MS[Math.min(attempt, SNAPSHOT_RETRY_MS.length - 1)];
      retryTimer = setTimeout(() => {
        void fetchSnapshot(attempt + 1);
      }, delay);
    }
  }

  async function start(): Promise<void> {
    try {
      const stop = await service.onEvent((event) => {
        dispatch({ type: "event", event });
      });
      markStart("subscribed");
      if (disposed) {
        stop();
        return;
      }
      unsubscribe = stop;
    } catch (reason) {
      // Without events the window would go stale; say so, and still show
      // what the snapshot has.
      dispatch({ type: "showError", error: toDisplayError(reason) });
    }
    await fetchSnapshot(0);
  }

  const takePending = (): ConversationAction[] => {
    const taken = pending;
    pending = [];
    return taken;
  };
  void start();
  return {
    service,
    takePending,
    attach(next) {
      target = next;
      for (const action of takePending()) {
        next(action);
      }
    },
    resync() {
      // A failed fetch is already being retried (fetching stays true).
      if (!disposed && !fetching) {
        void fetchSnapshot(0);
      }
    },
    dispose() {
      disposed = true;
      target = null;
      clearTimeout(retryTimer);
      unsubscribe?.();
    },
  };
}

/**
 * The conversation as the window shows it, followed for as long as the
 * component lives (see {@link Following}); `early` is a following started
 * before the first render for this service (the chat window's start), used
 * once instead of starting another. When an event skips a number (the
 * window fell behind), the snapshot is fetched again.
 */
export function useConversation(
  service: ConversationService,
  early?: Following,
): [ConversationView, Dispatch<ConversationAction>] {
  const earlyRef = useRef(early?.service === service ? early : undefined);
  const [view, dispatch] = useReducer(reduceConversation, initialView, (first) =>
    (earlyRef.current?.takePending() ?? []).reduce(reduceConversation, first),
  );
  /** Fetches a fresh snapshot unless one is already on its way. */
  const resyncRef = useRef<(() => void) | null>(null);

  useEffect(() => {
    let following = earlyRef.current;
    earlyRef.current = undefined;
    if (following?.service !== service) {
      following?.dispose();
      following = startFollowing(service);
    }
    following.attach(dispatch);
    resyncRef.current = () => {
      following.resync();
    };
    return () => {
      resyncRef.current = null;
      following.dispose();
    };
  }, [service]);

  // Every gap asks once, also one found while applying a fresh snapshot.
  const { gaps } = view;
  useEffect(() => {
    if (gaps > 0) {
      resyncRef.current?.();
    }
  }, [gaps]);

  return [view, dispatch];
}

/** How many older messages one scroll to the top fetches. */
const OLDER_PAGE = 100;

/**
 * Fetches the page of messages before the oldest one the window has, once
 * at a time; a failure is shown like any other, and scrolling up again
 * tries again.
 */
export function useOlderMessages(
  service: ConversationService,
  view: ConversationView,
  dispatch: Dispatch<ConversationAction>,
): () => void {
  const busyRef = useRef(false);
  const first = view.messages[0]?.id;
  const { hasOlder } = view;
  return useCallback(() => {
    if (busyRef.current || !hasOlder || first === undefined) {
      return;
    }
    busyRef.current = true;
    service
      .olderMessages(first, OLDER_PAGE)
      .then((page) => {
        dispatch({ type: "older", before: first, page });
      })
      .catch((reason: unknown) => {
        dispatch({ type: "showError", error: toDisplayError(reason) });
      })
      .finally(() => {
        busyRef.current = false;
      });
  }, [service, dispatch, first, hasOlder]);
}
