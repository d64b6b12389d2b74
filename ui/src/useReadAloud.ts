import { useCallback, useEffect, useState } from "preact/hooks";
import type { MessageId } from "./bindings";
import { toDisplayError, type DisplayError, type ReadAloudService } from "./backend/types";

/**
 * Read-aloud for the chat: whether something is being read now (the app
 * says so as reading starts and ends), "Read aloud again" on a reply and
 * "Stop reading". A refusal (no speech engine, the microphone listening)
 * goes to `onError`, to be shown in words like any other.
 */
export function useReadAloud(
  service: ReadAloudService,
  onError: (error: DisplayError) => void,
): { reading: boolean; readAgain: (id: MessageId) => void; stop: () => void } {
  const [reading, setReading] = useState(false);

  useEffect(() => {
    let disposed = false;
    // Read through a function: the subscription may be torn down while a
    // call is awaited.
    const isDisposed = (): boolean => disposed;
    let unsubscribe: (() => void) | null = null;
    void (async () => {
      const stop = await service.onReading((now) => {
        setReading(now);
      });
      if (isDisposed()) {
        stop();
        return;
      }
      unsubscribe = stop;
      // Subscribed first, so a change after this answer is not missed.
      const now = await service.reading();
      if (!isDisposed()) {
        setReading(now);
      }
    })();
    return () => {
      disposed = true;
      unsubscribe?.();
    };
  }, [service]);

  const readAgain = useCallback(
    (id: MessageId) => {
      service.readAgain(id).catch((reason: unknown) => {
        onError(toDisplayError(reason));
      });
    },
    [service, onError],
  );
  const stop = useCallback(() => {
    service.stop().catch((reason: unknown) => {
      onError(toDisplayError(reason));
    });
  }, [service, onError]);
  return { reading, readAgain, stop };
}
